import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createLogger } from '@carecircle/platform/observability';
import { runPendingReassessments, type PendingReassessments, type ReassessmentPass, type SchedulingDeps } from '@carecircle/scheduling/application';
import { findPendingLoadReassessments, markLoadReassessmentDone, markLoadReassessmentFailed } from '@carecircle/scheduling/read-models';
import { LOAD_REASSESSMENT_POLL_MS, SCHEDULING_DEPS } from '../scheduling.deps';

/**
 * Does the load reassessments the enrollment consumer owes after a member joined or left a group,
 * once the inbox transaction that recorded them has committed. One pass at a time; a restart
 * picks up what is still pending from the table.
 */
@Injectable()
export class LoadReassessmentProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<ReassessmentPass> | undefined;
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
      this.logger.warn({ pendingId: work.id, cause: work.cause, errorClass: (error as Error)?.name }, 'load reassessment failed; retrying on the next pass'),
    );
    this.pass = () => run();
  }

  onApplicationBootstrap(): void {
    if (this.pollMs <= 0) return;
    // A tick while a pass is still running is skipped, not queued.
    this.timer = setInterval(() => void (this.inFlight ? undefined : this.runPass().catch(() => undefined)), this.pollMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.inFlight?.catch(() => undefined);
  }

  /** One pass over what is pending, after any pass in flight (never two at once in this process). */
  runPass(): Promise<ReassessmentPass> {
    const next = (this.inFlight ?? Promise.resolve()).catch(() => undefined).then(() => this.pass());
    this.inFlight = next;
    void next.catch(() => undefined).finally(() => {
      if (this.inFlight === next) this.inFlight = undefined;
    });
    return next.catch((error: unknown) => {
      this.logger.warn({ errorClass: (error as Error)?.name }, 'load reassessment pass failed; retrying on the next pass');
      throw error;
    });
  }
}
