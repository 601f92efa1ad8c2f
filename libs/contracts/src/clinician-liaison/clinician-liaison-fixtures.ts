import type { EventOf } from '../envelope';
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
} from './clinician-liaison-events';

const base = {
  schemaVersion: 1,
  occurredAt: '2026-03-10T09:00:00.000Z',
  correlationId: 'corr-liaison-01',
  causationId: 'cmd-liaison-01',
  subject: 'mbr_synthetic_0001',
} as const;
const alertId = '5b0e8d9c-3c61-4f0a-9d5e-7a1b2c3d4e01';

export const clinicianLiaisonFixtures = {
  CoordinationAlertRaised: {
    ...base,
    eventId: '7a0c1e2f-1b2c-4d3e-8f4a-5b6c7d8e9f01',
    type: 'CoordinationAlertRaised',
    payload: {
      alertId,
      rule: 'antidepressant-change',
      severity: 'critical',
      recipientRole: 'attending-psychiatrist',
      recipientId: 'clin_synthetic_psy_01',
      dedupKey: 'antidepressant-change:med_synthetic_01:3f0e7a52-9c1d-4b8e-a6f2-0d1c2b3a4e01|attending-psychiatrist',
      evidenceEventIds: ['3f0e7a52-9c1d-4b8e-a6f2-0d1c2b3a4e01'],
      raisedAt: '2026-03-10T09:00:00.000Z',
      escalationDueAt: '2026-03-10T09:30:00.000Z',
    },
  } satisfies EventOf<typeof CoordinationAlertRaised>,
  AlertAcknowledged: {
    ...base,
    eventId: '7a0c1e2f-1b2c-4d3e-8f4a-5b6c7d8e9f02',
    type: 'AlertAcknowledged',
    payload: {
      alertId,
      acknowledgedBy: 'clin_synthetic_psy_01',
      outcome: 'overridden',
      overrideReasonGiven: true,
      acknowledgedAt: '2026-03-10T09:10:00.000Z',
    },
  } satisfies EventOf<typeof AlertAcknowledged>,
  AlertEscalated: {
    ...base,
    eventId: '7a0c1e2f-1b2c-4d3e-8f4a-5b6c7d8e9f03',
    type: 'AlertEscalated',
    payload: { alertId, level: 1, escalatedTo: 'clin_synthetic_phys_01', escalatedAt: '2026-03-10T09:30:00.000Z' },
  } satisfies EventOf<typeof AlertEscalated>,
  AlertResolved: {
    ...base,
    eventId: '7a0c1e2f-1b2c-4d3e-8f4a-5b6c7d8e9f04',
    type: 'AlertResolved',
    payload: { alertId, resolvedBy: 'clin_synthetic_psy_01', resolvedAt: '2026-03-11T09:00:00.000Z' },
  } satisfies EventOf<typeof AlertResolved>,
  MedicationChanged: {
    ...base,
    eventId: '7a0c1e2f-1b2c-4d3e-8f4a-5b6c7d8e9f05',
    type: 'MedicationChanged',
    payload: {
      medicationId: 'med_synthetic_01',
      change: 'started',
      rxnormIngredient: '36437',
      classes: ['ssri'],
      classified: true,
      prescriberId: 'clin_synthetic_psy_01',
      changedAt: '2026-03-10T09:00:00.000Z',
      dailyDose: 50,
      doseUnit: 'mg/day',
    },
  } satisfies EventOf<typeof MedicationChanged>,
  TreatmentPlanUpdated: {
    ...base,
    eventId: '7a0c1e2f-1b2c-4d3e-8f4a-5b6c7d8e9f06',
    type: 'TreatmentPlanUpdated',
    payload: {
      plan: 'palliative-plan',
      planId: 'plan_synthetic_01',
      change: 'started',
      updatedAt: '2026-03-10T09:00:00.000Z',
    },
  } satisfies EventOf<typeof TreatmentPlanUpdated>,
  MedicationSharingWithFacilitatorChanged: {
    ...base,
    eventId: '7a0c1e2f-1b2c-4d3e-8f4a-5b6c7d8e9f07',
    type: 'MedicationSharingWithFacilitatorChanged',
    payload: { shareMedicationDetailsWithFacilitator: true, changedAt: '2026-03-10T09:00:00.000Z' },
  } satisfies EventOf<typeof MedicationSharingWithFacilitatorChanged>,
  CareTeamMemberAssigned: {
    ...base,
    eventId: '7a0c1e2f-1b2c-4d3e-8f4a-5b6c7d8e9f08',
    type: 'CareTeamMemberAssigned',
    payload: {
      clinicianId: 'clin_synthetic_psy_01',
      role: 'attending-psychiatrist',
      activeFrom: '2026-03-01T00:00:00.000Z',
      activeUntil: '2026-09-01T00:00:00.000Z',
    },
  } satisfies EventOf<typeof CareTeamMemberAssigned>,
  CareTeamMemberEnded: {
    ...base,
    eventId: '7a0c1e2f-1b2c-4d3e-8f4a-5b6c7d8e9f09',
    type: 'CareTeamMemberEnded',
    payload: {
      clinicianId: 'clin_synthetic_psy_01',
      role: 'attending-psychiatrist',
      endedAt: '2026-09-01T00:00:00.000Z',
    },
  } satisfies EventOf<typeof CareTeamMemberEnded>,
  EmergencyAccessOpened: {
    ...base,
    eventId: '7a0c1e2f-1b2c-4d3e-8f4a-5b6c7d8e9f10',
    type: 'EmergencyAccessOpened',
    payload: {
      clinicianId: 'clin_synthetic_er_01',
      reasonCode: 'emergency-treatment',
      openedAt: '2026-03-10T09:00:00.000Z',
      expiresAt: '2026-03-10T13:00:00.000Z',
    },
  } satisfies EventOf<typeof EmergencyAccessOpened>,
};
