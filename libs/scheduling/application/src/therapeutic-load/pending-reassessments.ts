import type { RequestContext } from '../scheduling.deps';
import { reassessLoadAfterRosterChange, type RosterChange } from './reassess-load.handler';

type Deps = Parameters<typeof reassessLoadAfterRosterChange>[0];

/** A reassessment owed after a roster change, recorded in the transaction that applied the change. */
export interface PendingReassessment extends RosterChange {
  id: string;
  causeEventId: string;
  correlationId: string;
}

/** Where owed reassessments wait: durable, oldest first, each marked once it is done. */
export interface PendingReassessments {
  next(limit: number): Promise<PendingReassessment[]>;
  done(id: string): Promise<void>;
  failed(id: string): Promise<void>;
}

export interface ReassessmentPass {
  done: number;
  failed: number;
}

/**
 * Does the owed reassessments after their roster change committed, outside any transaction (one
 * connection suffices: nothing waits on another while a transaction is open). A crash after the
 * append and before `done` runs it again: the decider, deciding on a stream that already holds
 * what it said, appends nothing, and the expected version stops two runners appending twice.
 * A failure leaves the work pending for the next pass and the rest of the batch goes on.
 */
export function runPendingReassessments(
  deps: Deps,
  pending: PendingReassessments,
  onFailure: (error: unknown, work: PendingReassessment) => void,
) {
  const reassess = reassessLoadAfterRosterChange(deps);
  return async (batchSize = 50): Promise<ReassessmentPass> => {
    const pass: ReassessmentPass = { done: 0, failed: 0 };
    for (;;) {
      const batch = await pending.next(batchSize);
      for (const work of batch) {
        const context: RequestContext = { correlationId: work.correlationId, causationId: work.causeEventId };
        try {
          await reassess(work, context);
          await pending.done(work.id);
          pass.done++;
        } catch (error) {
          await pending.failed(work.id);
          onFailure(error, work);
          pass.failed++;
        }
      }
      // A short batch means none is left; failures wait for the next pass rather than spin here.
      if (batch.length < batchSize || pass.failed > 0) return pass;
    }
  };
}
