import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RecordedEvent, Subscription } from '@carecircle/platform/event-store';
import { createLogger } from '@carecircle/platform/observability';
import { reassessLoadAfterSessionChange, type SchedulingDeps } from '@carecircle/scheduling/application';
import type { GroupEvent } from '@carecircle/scheduling/domain';
import { claimProjectionPosition, projectUpcomingSessions, readProjectionCheckpoint } from '@carecircle/scheduling/read-models';
import { SCHEDULING_DEPS } from '../scheduling.deps';

const PROJECTION = 'upcoming-sessions';
/** The group events the facilitators' schedule is made of; every other event leaves it as it is. */
const PROJECTED: ReadonlySet<string> = new Set(['GroupFormed', 'GroupChanged', 'SessionScheduled', 'SessionRescheduled', 'SessionCancelled']);

/**
 * Follows scheduling's own log in global order. A session that moved or was cancelled has every
 * enrolled member's load reassessed (idempotent, so a replay republishes nothing); group and session
 * events feed the facilitators' upcoming sessions, each applied in the transaction that claims its
 * position. Events the projection ignores do not move the checkpoint: after a restart they are read
 * again and ignored again.
 */
@Injectable()
export class SchedulingProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private subscription: Subscription | undefined;
  private stopped = false;
  private readonly logger = createLogger('scheduling');

  constructor(
    @Inject(SCHEDULING_DEPS) private readonly deps: SchedulingDeps,
    private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.subscribe();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
  }

  private async subscribe(): Promise<void> {
    const after = await readProjectionCheckpoint(this.dataSource.manager, PROJECTION);
    this.subscription = this.deps.store.subscribeToAll({
      after,
      onEvent: (event) => this.process(event),
      onError: (error) => {
        this.logger.warn({ errorClass: (error as Error)?.name }, 'scheduling processor stopped; resubscribing from its checkpoint');
        if (!this.stopped) setTimeout(() => void this.subscribe().catch(() => undefined), 1_000).unref();
      },
    });
  }

  private async process(recorded: RecordedEvent): Promise<void> {
    if (!PROJECTED.has(recorded.type)) return;
    const event = { type: recorded.type, data: recorded.data } as GroupEvent;
    if (event.type === 'SessionRescheduled' || event.type === 'SessionCancelled') {
      const { groupId, sessionId, startsAt, endsAt } = event.data;
      const previous = event.type === 'SessionRescheduled' ? { start: event.data.previousStartsAt, end: event.data.previousEndsAt } : undefined;
      await reassessLoadAfterSessionChange(this.deps)(
        { groupId, sessionId, startsAt, endsAt, cancelled: event.type === 'SessionCancelled', ...(previous ? { previous } : {}) },
        { correlationId: recorded.metadata.correlationId, causationId: recorded.eventId },
      );
    }
    await this.dataSource.transaction(async (tx) => {
      if (await claimProjectionPosition(tx, PROJECTION, recorded.globalPosition)) await projectUpcomingSessions(tx, event);
    });
  }
}
