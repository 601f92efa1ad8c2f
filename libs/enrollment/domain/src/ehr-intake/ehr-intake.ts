import { type CommandMetadata, type Decider } from '@carecircle/shared-kernel';
import type { ConsentKind, GroupType, ReferralCancellationReason } from '../referral/referral';

/**
 * What enrollment keeps of one EHR resource version the gateway took in, already reduced to what
 * referral and screening need: coded categories and scores, never codes' display texts or free text.
 */
export type EhrEvidence =
  /**
   * A ServiceRequest referring the member to a support group: who requested it (a pseudonymous staff id)
   * and the member's age in whole years at referral, when the gateway knew them.
   */
  | {
      kind: 'referral';
      state: EhrReferralState;
      wantedGroupType: GroupType;
      wantedCondition?: string;
      requesterId?: string;
      ageAtReferral?: number;
    }
  /** A scored instrument: a PHQ-9 or GAD-7 Observation, or a PHQ-9 QuestionnaireResponse (total and item 9 when answered). */
  | { kind: 'scores'; administeredAt: string; phq9Total?: number; phq9Item9?: number; gad7?: number }
  /** An active Condition screening or matching cares about. */
  | { kind: 'diagnosis'; finding?: DiagnosedFinding; conditionCategory?: string }
  /**
   * A FHIR Consent enrollment requires before placement: `granted` (active, permit, within its period),
   * `withdrawn` (inactive, rejected, entered in error, denied or ended), `pending` (draft, proposed: no effect yet).
   * `endsAt` (ISO instant): when a grant's provision period ends; from then on it no longer grants, and the
   * consent it recorded lapses (see `ehrConsentLapse`).
   */
  | { kind: 'consent'; consent: ConsentKind; state: EhrConsentState; signedAt: string; endsAt?: string }
  /** The resource no longer says anything screening uses (entered in error, resolved, refuted): it retracts what it said before. */
  | { kind: 'retracted' };

/**
 * `pending`: not yet a referral to act on (draft, on hold); `active`: a referral; `cancelled`: the
 * referrer withdrew it; `completed`: fulfilled or otherwise ended, nothing to do.
 */
export type EhrReferralState = 'pending' | 'active' | { cancelled: ReferralCancellationReason } | 'completed';

export type EhrConsentState = 'granted' | 'withdrawn' | 'pending';

/** Screening findings the EHR codes as diagnoses. */
export type DiagnosedFinding = 'ptsd' | 'psychosis-or-acute-mania';

/** One noted resource: its latest revision and what it says. */
export interface NotedEvidence {
  resourceId: string;
  revision: number;
  evidence: EhrEvidence;
}

export type EhrIntakeCommand = {
  type: 'NoteEhrEvidence';
  data: { memberId: string; resourceId: string; revision: number; evidence: EhrEvidence };
  metadata: CommandMetadata;
};

export type EhrIntakeEvent = {
  type: 'EhrEvidenceNoted';
  data: { memberId: string; resourceId: string; revision: number; evidence: EhrEvidence; notedAt: string };
};

/** Per resource, the latest revision noted, in the order resources were first seen. */
export interface EhrIntakeState {
  evidence: NotedEvidence[];
}

/** One stream per pseudonymous member: every EHR resource version that matters to enrollment. */
export const ehrIntakeStreamId = (memberId: string) => `ehr-intake-${memberId}`;

/**
 * Notes EHR evidence idempotently: a revision already noted (a redelivery, the same resource posted
 * again) or older than the one noted (out of order) changes nothing; a retraction of a resource never
 * noted is nothing to retract.
 */
export const ehrIntakeDecider: Decider<EhrIntakeCommand, EhrIntakeEvent, EhrIntakeState> = {
  initialState: { evidence: [] },
  decide(command, state) {
    const { memberId, resourceId, revision, evidence } = command.data;
    const known = state.evidence.find((noted) => noted.resourceId === resourceId);
    if (known ? known.revision >= revision : evidence.kind === 'retracted') return [];
    return [
      {
        type: 'EhrEvidenceNoted',
        data: { memberId, resourceId, revision, evidence, notedAt: command.metadata.now.toISOString() },
      },
    ];
  },
  evolve(state, event) {
    const { resourceId, revision, evidence } = event.data;
    const noted: NotedEvidence = { resourceId, revision, evidence };
    const index = state.evidence.findIndex((item) => item.resourceId === resourceId);
    return {
      evidence: index < 0 ? [...state.evidence, noted] : state.evidence.map((item, i) => (i === index ? noted : item)),
    };
  },
};
