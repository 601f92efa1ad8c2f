import type { ConsentDetails, ConsentKind } from '../referral/referral';
import type { EhrEvidence, NotedEvidence } from './ehr-intake';

type ConsentEvidence = Extract<EhrEvidence, { kind: 'consent' }>;

/** Who recorded or withdrew a consent that came from the EHR (an opaque id: the EHR, not a staff member). */
export const EHR_CONSENT_ACTOR = 'ehr-fhir-consent';
/** The agreement version of a consent taken from a FHIR Consent (the EHR's policy text is not sent). */
export const EHR_CONSENT_AGREEMENT = 'fhir-consent';

export type EhrConsentAction = { type: 'record'; consent: ConsentDetails } | { type: 'withdraw'; kind: ConsentKind };

/**
 * What the member's FHIR Consents ask of one referral, given the resource just noted (`trigger`), the
 * consents the referral holds and `now` (a grant whose provision period has ended by then grants nothing;
 * withdrawing what it granted is `ehrConsentLapse`'s). Per kind (treatment, confidentiality agreement):
 * - granted by any noted Consent: recorded when the referral lacks it, or when the granting Consent is the
 *   one just noted (an update replaces the details; a redelivery records nothing new, the decider sees them equal);
 * - withdrawn by the Consent just noted, and granted by no other: withdrawn (the handler also takes the member
 *   out of their group or its waitlist, as a REST withdrawal does). Repeating it is harmless, which repairs a
 *   crash between the two steps on the broker's redelivery.
 * Evidence about other resources never withdraws, so a consent staff recorded through REST is not undone by an
 * unrelated score arriving later.
 */
export function ehrConsentActions(
  evidence: readonly NotedEvidence[],
  triggerResourceId: string,
  held: Partial<Record<ConsentKind, ConsentDetails>>,
  now: Date,
): EhrConsentAction[] {
  const consents = consentsIn(evidence);
  const actions: EhrConsentAction[] = [];
  for (const kind of ['treatment', 'confidentiality-agreement'] as const) {
    const ofKind = consents.filter((noted) => noted.evidence.consent === kind);
    const trigger = ofKind.find((noted) => noted.resourceId === triggerResourceId);
    // A grant whose period has ended grants nothing any more; its lapse is `ehrConsentLapse`'s to withdraw.
    const granting = ofKind.filter((noted) => grants(noted.evidence, now));
    const source = trigger && grants(trigger.evidence, now) ? trigger : granting[0];
    if (source && (!held[kind] || source === trigger)) {
      actions.push({
        type: 'record',
        consent: {
          kind,
          agreementVersion: EHR_CONSENT_AGREEMENT,
          sharingScope: [],
          recordedBy: EHR_CONSENT_ACTOR,
          signedAt: source.evidence.signedAt,
        },
      });
    } else if (!source && trigger?.evidence.state === 'withdrawn') {
      actions.push({ type: 'withdraw', kind });
    }
  }
  return actions;
}

const consentsIn = (evidence: readonly NotedEvidence[]) =>
  evidence.filter((noted): noted is NotedEvidence & { evidence: ConsentEvidence } => noted.evidence.kind === 'consent');

/** Whether a FHIR Consent grants its kind at `now`: granted, and its provision period (if any) not yet ended. */
function grants(evidence: ConsentEvidence, now: Date): boolean {
  return evidence.state === 'granted' && !lapsed(evidence, now);
}

function lapsed(evidence: ConsentEvidence, now: Date): boolean {
  return evidence.state === 'granted' && evidence.endsAt !== undefined && Date.parse(evidence.endsAt) <= now.getTime();
}

/**
 * The consent a FHIR Consent granted lapses when its provision period ends: given the member's noted evidence
 * (its latest revision of each resource), the Consent resource whose end was scheduled and the consents a
 * referral holds, a withdrawal of its kind when, at `now`:
 * - its latest revision still grants with an end that has passed (a newer revision that extends or removes the
 *   end, or withdraws it, leaves nothing to lapse here);
 * - no other Consent of the kind still grants it;
 * - the referral does not hold a consent of the kind recorded by staff through REST (a re-consent after the
 *   EHR's grant replaced it, so the EHR's end no longer applies).
 * Repeating it once withdrawn answers the withdrawal again, which the handler turns into nothing new (the
 * referral holds no such consent) but the seat being freed, repairing a crash between the two steps.
 */
export function ehrConsentLapse(
  evidence: readonly NotedEvidence[],
  resourceId: string,
  held: Partial<Record<ConsentKind, ConsentDetails>>,
  now: Date,
): EhrConsentAction[] {
  const consents = consentsIn(evidence);
  const ended = consents.find((noted) => noted.resourceId === resourceId);
  if (!ended || !lapsed(ended.evidence, now)) return [];
  const kind = ended.evidence.consent;
  if (consents.some((noted) => noted.evidence.consent === kind && grants(noted.evidence, now))) return [];
  const holding = held[kind];
  if (holding && holding.recordedBy !== EHR_CONSENT_ACTOR) return [];
  return [{ type: 'withdraw', kind }];
}
