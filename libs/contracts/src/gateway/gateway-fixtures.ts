import type { EventOf } from '../envelope';
import type * as E from './gateway-events';

/** One canonical, synthetic example of every gateway ingest event. */
const base = {
  schemaVersion: 1,
  occurredAt: '2026-03-02T09:30:00.000Z',
  correlationId: 'corr-gw-1',
  causationId: 'http-request:9d3c',
  subject: 'mbr_synthetic_0001',
} as const;
const ids = (n: number) => ({
  eventId: `5a1e0c2b-7d3f-4c8a-9b1e-0000000000${String(n).padStart(2, '0')}`,
  payloadId: `c0ffee00-1d2e-4f30-8a4b-0000000000${String(n).padStart(2, '0')}`,
});
function fixture<const Type extends string, P extends object>(n: number, type: Type, payload: P) {
  const { eventId, payloadId } = ids(n);
  return { ...base, eventId, type, payload: { resourceId: payloadId, revision: 1, ...payload } };
}
const snomed = (code: string, display: string) => ({ system: 'http://snomed.info/sct', code, display });

export const gatewayFixtures = {
  ReferralRequested: fixture(1, 'ReferralRequested', {
    status: 'active',
    intent: 'order',
    codes: [snomed('1259213000', 'Referral to support group')],
    reasonCodes: [snomed('35489007', 'Depressive disorder')],
    authoredOn: '2026-03-01T10:00:00Z',
    requesterId: 'clin_8d2Qm1vXkT3sW9yLpA0bRg',
    ageAtReferral: 47,
  }) satisfies EventOf<typeof E.ReferralRequested>,
  ConditionRecorded: fixture(2, 'ConditionRecorded', {
    clinicalStatus: 'active',
    verificationStatus: 'confirmed',
    codes: [snomed('47505003', 'Posttraumatic stress disorder')],
    onset: '2025-11-04',
  }) satisfies EventOf<typeof E.ConditionRecorded>,
  ConsentReceived: fixture(3, 'ConsentReceived', {
    status: 'active',
    scope: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
    categories: [{ system: 'http://loinc.org', code: '59284-0' }],
    provision: 'permit',
    period: { start: '2026-03-01' },
  }) satisfies EventOf<typeof E.ConsentReceived>,
  QuestionnaireAnswered: fixture(4, 'QuestionnaireAnswered', {
    questionnaire: 'http://loinc.org/q/44249-1',
    status: 'completed',
    authored: '2026-03-02T09:00:00Z',
    answers: [{ linkId: '44261-6', value: 12 }],
  }) satisfies EventOf<typeof E.QuestionnaireAnswered>,
  ObservationRecorded: fixture(5, 'ObservationRecorded', {
    status: 'final',
    codes: [{ system: 'http://loinc.org', code: '44261-6', display: 'PHQ-9 total score' }],
    value: { value: 12, unit: '{score}' },
    effective: '2026-03-02T09:00:00Z',
  }) satisfies EventOf<typeof E.ObservationRecorded>,
  MedicationOrdered: fixture(6, 'MedicationOrdered', {
    status: 'active',
    intent: 'order',
    medication: {
      codes: [
        {
          system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
          code: '312938',
          display: 'sertraline 50 MG Oral Tablet',
        },
      ],
    },
    dose: { value: 1, unit: 'tablet' },
    authoredOn: '2026-02-20',
    requesterId: 'clin_8d2Qm1vXkT3sW9yLpA0bRg',
  }) satisfies EventOf<typeof E.MedicationOrdered>,
  MedicationStatementRecorded: fixture(7, 'MedicationStatementRecorded', {
    status: 'active',
    medication: {
      codes: [
        {
          system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
          code: '1049621',
          display: 'oxycodone 5 MG Oral Tablet',
        },
      ],
    },
    effective: { start: '2026-01-10' },
  }) satisfies EventOf<typeof E.MedicationStatementRecorded>,
  AppointmentBooked: fixture(8, 'AppointmentBooked', {
    status: 'booked',
    serviceTypes: [snomed('228557008', 'Cognitive and behavioral therapy')],
    start: '2026-03-10T14:00:00Z',
    end: '2026-03-10T15:00:00Z',
  }) satisfies EventOf<typeof E.AppointmentBooked>,
  CareTeamUpdated: fixture(9, 'CareTeamUpdated', {
    status: 'active',
    categories: [{ system: 'http://loinc.org', code: 'LA27976-2', display: 'Encounter-focused care team' }],
    participants: [{ roles: [snomed('80584001', 'Psychiatrist')], clinician: 'clin_8d2Qm1vXkT3sW9yLpA0bRg' }],
  }) satisfies EventOf<typeof E.CareTeamUpdated>,
  CarePlanUpdated: fixture(10, 'CarePlanUpdated', {
    status: 'active',
    intent: 'plan',
    categories: [snomed('736373009', 'Palliative care plan')],
    period: { start: '2026-02-01' },
  }) satisfies EventOf<typeof E.CarePlanUpdated>,
  EncounterRecorded: fixture(11, 'EncounterRecorded', {
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    types: [snomed('185349003', 'Encounter for check up')],
    period: { start: '2026-02-20T09:00:00Z', end: '2026-02-20T09:30:00Z' },
  }) satisfies EventOf<typeof E.EncounterRecorded>,
  CaregiverLinked: fixture(12, 'CaregiverLinked', {
    active: true,
    relationships: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'WIFE' }],
  }) satisfies EventOf<typeof E.CaregiverLinked>,
  PatientRecorded: fixture(13, 'PatientRecorded', {
    active: true,
    birthDate: '2003-05-17',
  }) satisfies EventOf<typeof E.PatientRecorded>,
  FlagRecorded: fixture(14, 'FlagRecorded', {
    status: 'active',
    categories: [
      { system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'clinical', display: 'Clinical' },
    ],
    codes: [
      {
        system: 'https://carecircle.example/fhir/CodeSystem/coordination-fact',
        code: 'acute-distress',
        display: 'Acute distress reported',
      },
    ],
    period: { start: '2026-03-02T09:00:00Z' },
  }) satisfies EventOf<typeof E.FlagRecorded>,
};
