import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createLogger } from '@carecircle/platform/observability';
import { startSerialPoller, type SerialPoller } from '@carecircle/platform/service-kit';
import {
  runPendingReassessments,
  type PendingReassessments,
  type ReassessmentPass,
  type SchedulingDeps,
} from '@carecircle/scheduling/application';
import {
  findPendingLoadReassessments,
  markLoadReassessmentDone,
  markLoadReassessmentFailed,
} from '@carecircle/scheduling/read-models';
import { LOAD_REASSESSMENT_POLL_MS, SCHEDULING_DEPS } from '../scheduling.deps';

/**
 * Does the load reassessments the enrollment consumer owes after a member joined or left a group,
 * once the inbox transaction that recorded them has committed. One pass at a time; a restart
 * picks up what is still pending from the table.
 */
@Injectable()
export class LoadReassessmentProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private poller: SerialPoller | undefined;
  private readonly logger = createLogger('scheduling');
  private readonly pass: () => Promise<ReassessmentPass>;

  constructor(
    @Inject(SCHEDULING_DEPS) deps: SchedulingDeps,
    dataSource: DataSource,
    @Inject(LOAD_REASSESSMENT_POLL_MS) private readonly pollMs: number,
  ) {
    const em = dataSource.manager;
    const pending: PendingReassessments = {
      next: (limit) => findPendingLoadReassessments(em, limit),
      done: (id) => markLoadReassessmentDone(em, id, deps.clock.now()),
      failed: (id) => markLoadReassessmentFailed(em, id),
    };
    const run = runPendingReassessments(deps, pending, (error, work) =>
      this.logger.warn(
        { pendingId: work.id, cause: work.cause, errorClass: (error as Error)?.name },
        'load reassessment failed; retrying on the next pass',
      ),
    );
    this.pass = () => run();
  }

  onApplicationBootstrap(): void {
    if (this.pollMs <= 0) return;
    this.poller = startSerialPoller(this.pass, this.pollMs, (error) =>
      this.logger.warn(
        { errorClass: (error as Error)?.name },
        'load reassessment pass failed; retrying on the next pass',
      ),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.poller?.stop();
  }
}
