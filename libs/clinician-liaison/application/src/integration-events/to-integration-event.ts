import { envelopeFromRecorded } from '@carecircle/platform/messaging';
import {
  AlertAcknowledged,
  AlertEscalated,
  AlertResolved,
  CareTeamMemberAssigned,
  CareTeamMemberEnded,
  CoordinationAlertRaised,
  EmergencyAccessOpened,
  MedicationChanged,
  MedicationSharingWithFacilitatorChanged,
  TreatmentPlanUpdated,
  type IntegrationEvent,
} from '@carecircle/contracts';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import type { AlertEvent, CoordinationEvent, Medication } from '@carecircle/clinician-liaison/domain';

export interface LiaisonMessage {
  topic: string;
  /** The pseudonymous member id: a member's events stay in order on one partition. */
  key: string;
  value: IntegrationEvent;
}

type Definition = { type: string; schemaVersion: number; topic: string };

/** What other services learn from clinician-liaison: ids, codes and classes, never drug names or free text. */
export function toIntegrationEvent(recorded: RecordedEvent): LiaisonMessage | null {
  const event = { type: recorded.type, data: recorded.data } as AlertEvent | CoordinationEvent;
  const { memberId } = event.data;
  const out = (definition: Definition, payload: object): LiaisonMessage => ({
    topic: definition.topic,
    key: memberId,
    value: {
      ...envelopeFromRecorded(recorded),
      type: definition.type,
      schemaVersion: definition.schemaVersion,
      subject: memberId,
      payload,
    },
  });
  switch (event.type) {
    // Recorded only when the profile is new or differs; the gateway's timeline redaction needs the consent.
    case 'MemberProfileRecorded':
      return out(MedicationSharingWithFacilitatorChanged, { shareMedicationDetailsWithFacilitator: event.data.shareMedicationDetailsWithFacilitator, changedAt: event.data.recordedAt });
    // Care-team membership: every service's access to the member follows these, so each is parsed against the contract.
    case 'CareTeamMemberAssigned': {
      const { clinicianId, role, activeFrom } = event.data;
      return checked(CareTeamMemberAssigned, out(CareTeamMemberAssigned, { clinicianId, role, activeFrom, activeUntil: event.data.activeUntil ?? null }));
    }
    case 'CareTeamMemberEnded': {
      const { clinicianId, role, endedAt } = event.data;
      return checked(CareTeamMemberEnded, out(CareTeamMemberEnded, { clinicianId, role, endedAt }));
    }
    // The clinician's note stays in liaison's store: the bus learns the reason code only.
    case 'EmergencyAccessOpened': {
      const { clinicianId, reasonCode, openedAt, expiresAt } = event.data;
      return checked(EmergencyAccessOpened, out(EmergencyAccessOpened, { clinicianId, reasonCode, openedAt, expiresAt }));
    }
    case 'AlertRaised': {
      const { alertId, rule, severity, recipientRole, recipientId, dedupKey, evidenceEventIds, raisedAt, escalationDueAt } = event.data;
      return out(CoordinationAlertRaised, { alertId, rule, severity, recipientRole, recipientId, dedupKey, evidenceEventIds, raisedAt, escalationDueAt });
    }
    case 'AlertAcknowledged': {
      const { alertId, by, outcome, reason, acknowledgedAt } = event.data;
      return out(AlertAcknowledged, { alertId, acknowledgedBy: by, outcome, overrideReasonGiven: !!reason, acknowledgedAt });
    }
    case 'AlertEscalated': {
      const { alertId, level, escalatedTo, escalatedAt } = event.data;
      return out(AlertEscalated, { alertId, level, escalatedTo, escalatedAt });
    }
    case 'AlertResolved':
      return out(AlertResolved, { alertId: event.data.alertId, resolvedBy: event.data.by, resolvedAt: event.data.resolvedAt });
    case 'MedicationStarted': {
      const { medicationId, classification, order, startedAt } = event.data;
      return out(MedicationChanged, { medicationId, change: 'started', ...classFacts(classification), prescriberId: order.prescriberId, changedAt: startedAt });
    }
    case 'MedicationDoseChanged':
      return out(MedicationChanged, { medicationId: event.data.medicationId, change: 'dose-changed', rxnormIngredient: null, classes: [], classified: false, prescriberId: event.data.prescriberId, changedAt: event.data.changedAt });
    case 'MedicationStopped':
      return out(MedicationChanged, { medicationId: event.data.medicationId, change: 'stopped', rxnormIngredient: null, classes: [], classified: false, prescriberId: null, changedAt: event.data.stoppedAt });
    case 'CbtCourseStarted':
      return out(TreatmentPlanUpdated, { plan: 'cbt-course', planId: event.data.courseId, change: 'started', updatedAt: event.data.startedAt });
    case 'PalliativePlanStarted':
      return out(TreatmentPlanUpdated, { plan: 'palliative-plan', planId: event.data.planId, change: 'started', updatedAt: event.data.startedAt });
    case 'GoalsOfCareChanged':
      return out(TreatmentPlanUpdated, { plan: 'palliative-plan', planId: event.data.planId, change: 'goals-of-care-changed', updatedAt: event.data.changedAt });
    default:
      return null;
  }
}

/** A message that grants or ends access is published only as its contract allows (it throws otherwise). */
function checked(definition: { parse(raw: unknown): unknown }, message: LiaisonMessage): LiaisonMessage {
  definition.parse(message.value);
  return message;
}

function classFacts(classification: Medication['classification']) {
  return classification.status === 'classified'
    ? { rxnormIngredient: classification.rxnormIngredient, classes: classification.classes, classified: true }
    : { rxnormIngredient: null, classes: [], classified: false };
}
