import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import { EventProcessor, EventProcessorRegistry, leasePoolOf } from '@carecircle/platform/service-kit';
import { createLogger } from '@carecircle/platform/observability';
import { reassessLoadAfterSessionChange, type SchedulingDeps } from '@carecircle/scheduling/application';
import type { GroupEvent } from '@carecircle/scheduling/domain';
import {
  claimProjectionPosition,
  projectUpcomingSessions,
  readProjectionCheckpoint,
  UPCOMING_SESSIONS,
} from '@carecircle/scheduling/read-models';
import { SCHEDULING_DEPS } from '../scheduling.deps';

/** The group events the facilitators' schedule is made of; every other event leaves it as it is. */
const PROJECTED: ReadonlySet<string> = new Set([
  'GroupFormed',
  'GroupChanged',
  'SessionScheduled',
  'SessionRescheduled',
  'SessionCancelled',
]);

/**
 * Follows scheduling's own log in global order. A session that moved or was cancelled has every
 * enrolled member's load reassessed (idempotent, so a replay republishes nothing); group and session
 * events feed the facilitators' upcoming sessions, each applied in the transaction that claims its
 * position. Events the projection ignores do not move the checkpoint: after a restart they are read
 * again and ignored again. An event that keeps failing is parked (`EventProcessor`) and the rest go on.
 */
@Injectable()
export class SchedulingProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly processor: EventProcessor;

  constructor(
    @Inject(SCHEDULING_DEPS) private readonly deps: SchedulingDeps,
    private readonly dataSource: DataSource,
    registry: EventProcessorRegistry,
  ) {
    this.processor = registry.register(
      new EventProcessor({
        name: UPCOMING_SESSIONS,
        store: deps.store,
        dataSource,
        readCheckpoint: () => readProjectionCheckpoint(dataSource.manager, UPCOMING_SESSIONS),
        handle: (event) => this.process(event),
        skip: async (tx, position) => void (await claimProjectionPosition(tx, UPCOMING_SESSIONS, position)),
        replay: (event) => this.process(event, { afterCheckpoint: true }),
        logger: createLogger('scheduling'),
        leasePool: leasePoolOf(dataSource),
      }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.processor.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.processor.stop();
  }

  /**
   * `afterCheckpoint`: an operator's replay of a parked event, which the checkpoint has already passed.
   * It is applied without claiming its position (it never was applied: it was parked instead).
   */
  private async process(recorded: RecordedEvent, { afterCheckpoint = false } = {}): Promise<void> {
    if (!PROJECTED.has(recorded.type)) return;
    const event = { type: recorded.type, data: recorded.data } as GroupEvent;
    if (event.type === 'SessionRescheduled' || event.type === 'SessionCancelled') {
      const { groupId, sessionId, startsAt, endsAt } = event.data;
      const previous =
        event.type === 'SessionRescheduled'
          ? { start: event.data.previousStartsAt, end: event.data.previousEndsAt }
          : undefined;
      await reassessLoadAfterSessionChange(this.deps)(
        {
          groupId,
          sessionId,
          startsAt,
          endsAt,
          cancelled: event.type === 'SessionCancelled',
          ...(previous ? { previous } : {}),
        },
        { correlationId: recorded.metadata.correlationId, causationId: recorded.eventId },
      );
    }
    await this.dataSource.transaction(async (tx) => {
      if (afterCheckpoint || (await claimProjectionPosition(tx, UPCOMING_SESSIONS, recorded.globalPosition)))
        await projectUpcomingSessions(tx, event);
    });
  }
}
