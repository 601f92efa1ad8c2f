import type { EventStore } from '@carecircle/platform/event-store';
import type { RelayCheckpointStore } from './relay-checkpoint.store';

export interface RelayLag {
  /** Last acknowledged global position; undefined before the first batch. */
  checkpoint?: bigint;
  /** Events after the checkpoint, counted up to the cap. */
  pendingEvents: number;
  /** True when there are at least `pendingEvents` (the count stopped at the cap). */
  pendingAtLeast: boolean;
  /** How long the oldest unrelayed event has waited: the number to alert on. */
  oldestPendingAgeMs?: number;
}

const DEFAULT_CAP = 500;

/** The port has no "head position", so lag is read as the (capped) backlog after the checkpoint. */
export class RelayLagReader {
  constructor(
    private readonly relayName: string,
    private readonly eventStore: Pick<EventStore, 'readAll'>,
    private readonly checkpoints: Pick<RelayCheckpointStore, 'read'>,
    private readonly now: () => number = Date.now,
  ) {}

  async read(cap = DEFAULT_CAP): Promise<RelayLag> {
    const checkpoint = await this.checkpoints.read(this.relayName);
    const pending = await this.eventStore.readAll({ after: checkpoint, maxCount: cap });
    const oldest = pending[0];
    return {
      checkpoint,
      pendingEvents: pending.length,
      pendingAtLeast: pending.length >= cap,
      oldestPendingAgeMs: oldest ? Math.max(0, this.now() - oldest.recordedAt.getTime()) : undefined,
    };
  }
}
