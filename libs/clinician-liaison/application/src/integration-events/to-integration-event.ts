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
} from '@carecircle/contracts';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import { integrationMessage, type IntegrationContract, type OutgoingMessage } from '@carecircle/platform/messaging';
import {
  publishedDailyDose,
  UNKNOWN_EHR_PRESCRIBER,
  type AlertEvent,
  type CoordinationEvent,
  type Medication,
} from '@carecircle/clinician-liaison/domain';

/**
 * What other services learn from clinician-liaison: ids, codes, classes and daily doses as numbers, never
 * drug names or free text.
 */
export function toIntegrationEvent(recorded: RecordedEvent): OutgoingMessage | null {
  const event = { type: recorded.type, data: recorded.data } as AlertEvent | CoordinationEvent;
  const out = (contract: IntegrationContract, payload: object) =>
    integrationMessage(recorded, contract, event.data.memberId, payload);
  switch (event.type) {
    // Recorded only when the profile is new or differs; the gateway's timeline redaction needs the consent.
    case 'MemberProfileRecorded':
      return out(MedicationSharingWithFacilitatorChanged, {
        shareMedicationDetailsWithFacilitator: event.data.shareMedicationDetailsWithFacilitator,
        changedAt: event.data.recordedAt,
      });
    // Care-team membership: every service's access to the member follows these.
    case 'CareTeamMemberAssigned': {
      const { clinicianId, role, activeFrom, activeUntil } = event.data;
      return out(CareTeamMemberAssigned, { clinicianId, role, activeFrom, activeUntil });
    }
    case 'CareTeamMemberEnded': {
      const { clinicianId, role, endedAt } = event.data;
      return out(CareTeamMemberEnded, { clinicianId, role, endedAt });
    }
    // The clinician's note stays in liaison's store: the bus learns the reason code only.
    case 'EmergencyAccessOpened': {
      const { clinicianId, reasonCode, openedAt, expiresAt } = event.data;
      return out(EmergencyAccessOpened, { clinicianId, reasonCode, openedAt, expiresAt });
    }
    case 'AlertRaised': {
      const {
        alertId,
        rule,
        severity,
        recipientRole,
        recipientId,
        dedupKey,
        evidenceEventIds,
        raisedAt,
        escalationDueAt,
      } = event.data;
      return out(CoordinationAlertRaised, {
        alertId,
        rule,
        severity,
        recipientRole,
        recipientId,
        dedupKey,
        evidenceEventIds,
        raisedAt,
        escalationDueAt,
      });
    }
    case 'AlertAcknowledged': {
      const { alertId, by, outcome, reason, acknowledgedAt } = event.data;
      return out(AlertAcknowledged, {
        alertId,
        acknowledgedBy: by,
        outcome,
        overrideReasonGiven: !!reason,
        acknowledgedAt,
      });
    }
    case 'AlertEscalated': {
      const { alertId, level, escalatedTo, escalatedAt } = event.data;
      return out(AlertEscalated, { alertId, level, escalatedTo, escalatedAt });
    }
    case 'AlertResolved':
      return out(AlertResolved, {
        alertId: event.data.alertId,
        resolvedBy: event.data.by,
        resolvedAt: event.data.resolvedAt,
      });
    case 'MedicationStarted': {
      const { medicationId, classification, order, startedAt } = event.data;
      return out(MedicationChanged, {
        medicationId,
        change: 'started',
        ...classFacts(classification),
        prescriberId: publishedPrescriber(order.prescriberId),
        changedAt: startedAt,
        ...publishedDailyDose(order),
      });
    }
    case 'MedicationDoseChanged':
      return out(MedicationChanged, {
        medicationId: event.data.medicationId,
        change: 'dose-changed',
        ...classFacts(event.data.classification),
        prescriberId: publishedPrescriber(event.data.prescriberId),
        changedAt: event.data.changedAt,
        ...publishedDailyDose(event.data),
      });
    case 'MedicationStopped':
      return out(MedicationChanged, {
        medicationId: event.data.medicationId,
        change: 'stopped',
        ...classFacts(event.data.classification),
        prescriberId: null,
        changedAt: event.data.stoppedAt,
        dailyDose: null,
        doseUnit: null,
      });
    case 'CbtCourseStarted':
      return out(TreatmentPlanUpdated, {
        plan: 'cbt-course',
        planId: event.data.courseId,
        change: 'started',
        updatedAt: event.data.startedAt,
      });
    case 'PalliativePlanStarted':
      return out(TreatmentPlanUpdated, {
        plan: 'palliative-plan',
        planId: event.data.planId,
        change: 'started',
        updatedAt: event.data.startedAt,
      });
    case 'GoalsOfCareChanged':
      return out(TreatmentPlanUpdated, {
        plan: 'palliative-plan',
        planId: event.data.planId,
        change: 'goals-of-care-changed',
        updatedAt: event.data.changedAt,
      });
    default:
      return null;
  }
}

/** The placeholder for an EHR order without a practitioner is no one's id: the bus says "not known" (null). */
const publishedPrescriber = (prescriberId: string): string | null =>
  prescriberId === UNKNOWN_EHR_PRESCRIBER ? null : prescriberId;

/** Undefined for dose changes and stops recorded before they carried the classification: published as unclassified. */
function classFacts(classification: Medication['classification'] | undefined) {
  return classification?.status === 'classified'
    ? { rxnormIngredient: classification.rxnormIngredient, classes: classification.classes, classified: true }
    : { rxnormIngredient: null, classes: [], classified: false };
}
