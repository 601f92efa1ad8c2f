import * as outbound from '@carecircle/contracts';
import { OutboundFhirSystems, type AlertView, type OutboundContext } from '@carecircle/contracts';
import { foldAlerts, type FoldedAlert } from './alert-resources';
import { outboundContextOf, type PatientIds } from './fhir-read-references';
import { expectValidFhir, stored } from './fhir-read.fixtures';

/** The shared mappers as the gateway calls them: the member named through the identity vault, the version from the events. */
const asGatewayReads =
  <R>(map: (alert: AlertView, context: OutboundContext) => R) =>
  (alert: FoldedAlert, patientIds: PatientIds) =>
    map(alert, outboundContextOf(alert, patientIds));
const alertToCommunication = asGatewayReads((alert, context) => outbound.alertToCommunication(alert, context));
const alertToDetectedIssue = asGatewayReads((alert, context) => outbound.alertToDetectedIssue(alert, context));
const alertToFlag = asGatewayReads(outbound.alertToFlag);
const alertToTask = asGatewayReads(outbound.alertToTask);
const alertToEvaluationTask = asGatewayReads(outbound.alertToEvaluationTask);

const known = new Map([['mbr_synthetic_0001', 'ehr-patient-42']]);
const unknown = new Map<string, string>();
const raised = stored('CoordinationAlertRaised', 1);
function alertOf(events = [raised]) {
  const [alert] = foldAlerts(events);
  if (!alert) throw new Error('no alert folded');
  return alert;
}

describe('coordination alerts as FHIR', () => {
  it('a raised critical alert waits for acknowledgement: Communication in progress, preliminary DetectedIssue, active Flag, requested Task', () => {
    const alert = alertOf();
    const communication = alertToCommunication(alert, known);
    const issue = alertToDetectedIssue(alert, known);
    const flag = alertToFlag(alert, known);
    const task = alertToTask(alert, known);
    for (const resource of [communication, issue, flag, task]) expectValidFhir(resource);
    expect(communication).toMatchObject({
      id: '5b0e8d9c-3c61-4f0a-9d5e-7a1b2c3d4e01',
      meta: { versionId: '1', lastUpdated: raised.receivedAt },
      identifier: [{ system: 'urn:carecircle:liaison-alert', value: '5b0e8d9c-3c61-4f0a-9d5e-7a1b2c3d4e01' }],
      status: 'in-progress',
      priority: 'stat',
      subject: { reference: 'Patient/ehr-patient-42' },
      recipient: [{ identifier: { system: OutboundFhirSystems.clinician, value: 'clin_synthetic_psy_01' } }],
      sent: '2026-03-10T09:00:00.000Z',
    });
    expect(communication.received).toBeUndefined();
    expect(issue).toMatchObject({
      status: 'preliminary',
      severity: 'high',
      patient: { reference: 'Patient/ehr-patient-42' },
      identifiedDateTime: '2026-03-10T09:00:00.000Z',
    });
    expect(issue.mitigation).toBeUndefined();
    expect(flag).toMatchObject({
      status: 'active',
      period: { start: '2026-03-10T09:00:00.000Z' },
      category: [{ coding: [{ code: 'clinical' }] }],
    });
    expect(task).toMatchObject({
      status: 'requested',
      intent: 'order',
      businessStatus: { text: 'awaiting acknowledgement' },
      focus: { reference: 'Communication/5b0e8d9c-3c61-4f0a-9d5e-7a1b2c3d4e01' },
      owner: { identifier: { value: 'clin_synthetic_psy_01' } },
      restriction: { period: { end: '2026-03-10T09:30:00.000Z' } },
    });
  });

  it('names a member without a known EHR identity by the pseudonymous member id, saying so, and never the member id beside an EHR id', () => {
    const alert = alertOf();
    expect(alertToCommunication(alert, unknown).subject).toEqual({
      type: 'Patient',
      identifier: { system: OutboundFhirSystems.member, value: 'mbr_synthetic_0001' },
    });
    for (const resource of [
      alertToCommunication(alert, known),
      alertToDetectedIssue(alert, known),
      alertToFlag(alert, known),
      alertToTask(alert, known),
    ]) {
      expect(JSON.stringify(resource)).not.toContain('mbr_synthetic_0001');
    }
  });

  it('escalation hands the Task to whom it escalated to; the alert is still open everywhere', () => {
    const alert = alertOf([raised, stored('AlertEscalated', 2)]);
    const task = alertToTask(alert, known);
    expectValidFhir(task);
    expect(task).toMatchObject({
      status: 'requested',
      businessStatus: { text: 'escalated (level 1)' },
      owner: { identifier: { value: 'clin_synthetic_phys_01' } },
      lastModified: '2026-03-10T09:30:00.000Z',
    });
    expect(alertToCommunication(alert, known).status).toBe('in-progress');
    expect(alertToDetectedIssue(alert, known).status).toBe('preliminary');
  });

  it('an override completes the work and finalises the issue with who and when, but the chart Flag stays until the alert is resolved', () => {
    const alert = alertOf([raised, stored('AlertAcknowledged', 2)]);
    const issue = alertToDetectedIssue(alert, known);
    expectValidFhir(issue);
    expect(issue.status).toBe('final');
    expect(issue.mitigation).toEqual([
      {
        action: { coding: [{ system: OutboundFhirSystems.alertStep, code: 'overridden', display: 'overridden' }] },
        date: '2026-03-10T09:10:00.000Z',
        author: {
          type: 'Practitioner',
          identifier: { system: OutboundFhirSystems.clinician, value: 'clin_synthetic_psy_01' },
        },
      },
    ]);
    expect(alertToCommunication(alert, known)).toMatchObject({
      status: 'completed',
      received: '2026-03-10T09:10:00.000Z',
      meta: { versionId: '2' },
    });
    expect(alertToTask(alert, known)).toMatchObject({
      status: 'completed',
      businessStatus: { text: 'overridden' },
      executionPeriod: { end: '2026-03-10T09:10:00.000Z' },
    });
    expect(alertToFlag(alert, known)?.status).toBe('active');
  });

  it('resolved without anyone acknowledging: the Task is cancelled, the Flag inactive with its end, whatever order the events come in', () => {
    const alert = alertOf([stored('AlertResolved', 3), raised]);
    expect(alertToTask(alert, known)).toMatchObject({ status: 'cancelled', businessStatus: { text: 'resolved' } });
    const flag = alertToFlag(alert, known);
    expectValidFhir(flag);
    expect(flag).toMatchObject({
      status: 'inactive',
      period: { start: '2026-03-10T09:00:00.000Z', end: '2026-03-11T09:00:00.000Z' },
    });
    expect(alertToCommunication(alert, known).status).toBe('completed');
    expect(alertToDetectedIssue(alert, known).status).toBe('final');
  });

  it('codes drug conflicts as v3 drug-interaction issues and safety rules as safety flags; warnings get no Flag', () => {
    const drug = alertOf([stored('CoordinationAlertRaised', 1, { payload: { rule: 'serotonin-syndrome' } })]);
    expect(alertToDetectedIssue(drug, known).code?.coding?.map((coding) => coding.code)).toEqual([
      'serotonin-syndrome',
      'DRG',
    ]);
    expect(alertToFlag(drug, known)?.category?.[0]?.coding?.[0]?.code).toBe('drug');
    const safety = alertOf([stored('CoordinationAlertRaised', 1, { payload: { rule: 'suicidal-ideation' } })]);
    expect(alertToFlag(safety, known)?.category?.[0]?.coding?.[0]?.code).toBe('safety');
    const warning = alertOf([stored('CoordinationAlertRaised', 1, { payload: { severity: 'warning' } })]);
    expect(alertToFlag(warning, known)).toBeUndefined();
    expect(alertToCommunication(warning, known).priority).toBe('urgent');
  });

  it('leaves out an alert whose raising event the gateway never received, and keeps alerts apart by id', () => {
    expect(foldAlerts([stored('AlertAcknowledged', 1)])).toEqual([]);
    const other = stored('CoordinationAlertRaised', 2, {
      payload: { alertId: '0b9e8d9c-3c61-4f0a-9d5e-7a1b2c3d4e09' },
    });
    expect(
      foldAlerts([raised, other, stored('AlertResolved', 3)]).map((alert) => [alert.raised.alertId, alert.status]),
    ).toEqual([
      ['5b0e8d9c-3c61-4f0a-9d5e-7a1b2c3d4e01', 'resolved'],
      ['0b9e8d9c-3c61-4f0a-9d5e-7a1b2c3d4e09', 'raised'],
    ]);
  });
  describe('the same-day psychiatric evaluation a suicidal-ideation alert orders', () => {
    const ideation = (seq: number, payload: Record<string, unknown> = {}) =>
      stored('CoordinationAlertRaised', seq, {
        payload: { rule: 'suicidal-ideation', escalationDueAt: '2026-03-10T09:15:00.000Z', ...payload },
      });

    it('is a stat order for the attending psychiatrist, for the patient, due by the end of the day it was raised', () => {
      const task = alertToEvaluationTask(alertOf([ideation(1)]), known);
      expectValidFhir(task);
      expect(task).toMatchObject({
        id: '5b0e8d9c-3c61-4f0a-9d5e-7a1b2c3d4e01-evaluation',
        status: 'requested',
        intent: 'order',
        priority: 'stat',
        code: {
          coding: expect.arrayContaining([
            { system: OutboundFhirSystems.taskCode, code: 'psychiatric-evaluation', display: 'Psychiatric evaluation' },
          ]),
        },
        for: { reference: 'Patient/ehr-patient-42' },
        owner: { identifier: { system: OutboundFhirSystems.clinician, value: 'clin_synthetic_psy_01' } },
        focus: { reference: 'Communication/5b0e8d9c-3c61-4f0a-9d5e-7a1b2c3d4e01' },
        restriction: { period: { start: '2026-03-10T09:00:00.000Z', end: '2026-03-10T23:59:59Z' } },
      });
      expect(task!.executionPeriod).toBeUndefined();
      expect(JSON.stringify(task)).not.toContain('mbr_synthetic_0001');
    });

    it('stays with the psychiatrist when the alert escalates; completed once acknowledged, cancelled when resolved unacknowledged', () => {
      expect(alertToEvaluationTask(alertOf([ideation(1), stored('AlertEscalated', 2)]), known)).toMatchObject({
        status: 'requested',
        owner: { identifier: { value: 'clin_synthetic_psy_01' } },
      });
      const acknowledged = stored('AlertAcknowledged', 2, {
        payload: { outcome: 'accepted', overrideReasonGiven: false },
      });
      expect(alertToEvaluationTask(alertOf([ideation(1), acknowledged]), known)).toMatchObject({
        status: 'completed',
        executionPeriod: { end: '2026-03-10T09:10:00.000Z' },
      });
      expect(alertToEvaluationTask(alertOf([stored('AlertResolved', 3), ideation(1)]), known)).toMatchObject({
        status: 'cancelled',
      });
    });

    it("is ordered by no other rule, and not on the facilitator's copy", () => {
      expect(alertToEvaluationTask(alertOf(), known)).toBeUndefined();
      expect(
        alertToEvaluationTask(
          alertOf([ideation(1, { recipientRole: 'facilitator', recipientId: 'fac_synthetic_01' })]),
          known,
        ),
      ).toBeUndefined();
    });
  });
});
