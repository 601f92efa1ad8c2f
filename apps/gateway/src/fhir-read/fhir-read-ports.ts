import type { Pool } from 'pg';
import { fhirReader, type FhirReader, type IdentityVault } from '@carecircle/gateway/application';
import { sourceEventsByIds, sourceEventsByPayload, sourceEventsBySubjects } from '@carecircle/gateway/read-models';
import type { GatewayDeps } from '../gateway.deps';
import { sqlOfPool } from '@carecircle/platform/event-store';

/**
 * Member id → the EHR's Patient id, from the sealed identities (only the `id` field is read; names
 * and birth dates are decrypted with it but never leave this function).
 */
async function ehrPatientIds(
  pool: Pool,
  vault: IdentityVault,
  memberIds: readonly string[],
): Promise<Map<string, string>> {
  if (memberIds.length === 0) return new Map();
  const { rows } = await pool.query<{ member_id: string; sealed: string }>(
    `SELECT member_id, sealed FROM gateway.member_identity WHERE member_id = ANY($1::text[])`,
    [memberIds],
  );
  return new Map(
    rows.flatMap((row) => {
      const { id } = vault.decrypt<{ id?: unknown }>(row.sealed);
      return typeof id === 'string' ? [[row.member_id, id] as const] : [];
    }),
  );
}

/** The FHIR read side over the gateway's database: kept integration events, sealed identities, lookups. */
export function postgresFhirReader(pool: Pool, deps: Pick<GatewayDeps, 'vault' | 'findMember'>): FhirReader {
  const sql = sqlOfPool(pool);
  return fhirReader({
    events: {
      bySubjects: (subjects, types) => sourceEventsBySubjects(sql, subjects, types),
      byPayload: (key, values, types) => sourceEventsByPayload(sql, key, values, types),
      byEventIds: (eventIds, types) => sourceEventsByIds(sql, eventIds, types),
    },
    patientIds: (memberIds) => ehrPatientIds(pool, deps.vault, memberIds),
    findMember: (reference) => deps.findMember(reference),
  });
}
