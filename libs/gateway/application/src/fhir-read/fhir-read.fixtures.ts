import { fixtures } from '@carecircle/contracts';
import type { Resource } from '@medplum/fhirtypes';
import { validateFhirResource } from '../fhir/structure-validation';
import type { StoredEvent } from './fhir-read-references';

type FixtureType = keyof typeof fixtures;

/**
 * A contract fixture as the gateway keeps it, at store position `seq` (received a minute per position
 * after 2026-06-01), with payload fields overridden where a test needs another value.
 */
export function stored(
  type: FixtureType,
  seq: number,
  overrides: { subject?: string; eventId?: string; payload?: Record<string, unknown> } = {},
): StoredEvent {
  const fixture = fixtures[type];
  return {
    eventId: overrides.eventId ?? `${fixture.eventId.slice(0, -4)}${String(seq).padStart(4, '0')}`,
    type: fixture.type,
    subject: overrides.subject ?? fixture.subject,
    occurredAt: fixture.occurredAt,
    payload: { ...(fixture.payload as Record<string, unknown>), ...overrides.payload },
    seq: String(seq),
    receivedAt: new Date(Date.UTC(2026, 5, 1, 0, seq)).toISOString(),
  };
}

/** A mapper's output exists and is valid FHIR R4 (the base structure definitions, as ingest validates input). */
export function expectValidFhir(resource: Resource | undefined): void {
  expect(resource).toBeDefined();
  if (resource) expect(validateFhirResource(resource)).toEqual([]);
}
