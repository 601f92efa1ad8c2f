import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import {
  HANDLED_RESOURCE_TYPES,
  PAGING_PARAMETERS,
  READABLE_RESOURCE_TYPES,
  SEARCH_PARAMETERS,
  type ReadableResourceType,
} from '@carecircle/gateway/application';

const SEARCH_DOCUMENTATION: Record<'patient' | 'subject' | 'member', string> = {
  patient: 'Patient/<EHR id> (or the bare id). A patient the gateway does not know gives an empty searchset.',
  subject: 'Patient/<EHR id>; only Patient subjects are searched.',
  member: 'Patient/<EHR id>: the groups this patient was enrolled in. Members are listed by pseudonymous member id.',
};

/**
 * One entry per type: create and update where ingest takes the type, read and search-type where the
 * read side serves it (both for Observation and Appointment), in a stable order.
 */
function resources(): CapabilityStatementRestResource[] {
  const types = [...new Set([...HANDLED_RESOURCE_TYPES, ...READABLE_RESOURCE_TYPES])];
  const readable = (type: string): type is ReadableResourceType =>
    (READABLE_RESOURCE_TYPES as readonly string[]).includes(type);
  return types.map((type) => {
    const ingested = (HANDLED_RESOURCE_TYPES as readonly string[]).includes(type);
    return {
      type,
      interaction: [
        ...(ingested ? [{ code: 'create' as const }, { code: 'update' as const }] : []),
        ...(readable(type) ? [{ code: 'read' as const }, { code: 'search-type' as const }] : []),
      ],
      ...(ingested ? { updateCreate: true } : {}),
      ...(readable(type)
        ? {
            documentation: `Built from CareCircle's integration events. Search requires one of: ${SEARCH_PARAMETERS[type].join(', ')}; pages with ${PAGING_PARAMETERS.join(' and ')} (at most 100); unknown parameters are refused with 400 (handling=strict).`,
            searchParam: SEARCH_PARAMETERS[type].map((name) => ({
              name,
              type: 'reference' as const,
              documentation: SEARCH_DOCUMENTATION[name],
            })),
          }
        : {}),
    };
  });
}

/** Exactly what is implemented: create and update of the ingested types, read and search of what CareCircle produces, batch and transaction, SMART backend auth. */
export function capabilityStatement(baseUrl: string, date: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date,
    kind: 'instance',
    software: { name: 'CareCircle gateway' },
    implementation: { description: 'CareCircle FHIR R4 ingest and outbound reads', url: `${baseUrl}/fhir/R4` },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        security: {
          service: [
            {
              coding: [
                { system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' },
              ],
            },
          ],
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [{ url: 'token', valueUri: `${baseUrl}/auth/token` }],
            },
          ],
        },
        resource: resources(),
        interaction: [{ code: 'batch' }, { code: 'transaction' }],
      },
    ],
  };
}
