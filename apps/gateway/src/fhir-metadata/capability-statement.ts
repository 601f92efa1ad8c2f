import type { CapabilityStatement } from '@medplum/fhirtypes';
import { HANDLED_RESOURCE_TYPES } from '@carecircle/gateway/application';

/** Exactly what is implemented: create and update of the handled types, batch and transaction, SMART backend auth. */
export function capabilityStatement(baseUrl: string, date: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date,
    kind: 'instance',
    software: { name: 'CareCircle gateway' },
    implementation: { description: 'CareCircle FHIR R4 ingest', url: `${baseUrl}/fhir/R4` },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        security: {
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [{ url: 'token', valueUri: `${baseUrl}/auth/token` }],
            },
          ],
        },
        resource: HANDLED_RESOURCE_TYPES.map((type) => ({
          type,
          interaction: [{ code: 'create' as const }, { code: 'update' as const }],
          updateCreate: true,
        })),
        interaction: [{ code: 'batch' }, { code: 'transaction' }],
      },
    ],
  };
}
