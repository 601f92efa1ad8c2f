import type { PoolClient } from 'pg';
import {
  matchPatientIdentity,
  newMemberId,
  type IdentityVault,
  type KeyMatch,
  type MemberIdentities,
  type PatientIdentity,
  type Registration,
} from '@carecircle/gateway/application';

/** Identifier hashes → member id, and the sealed identity, in the caller's transaction. */
export class PostgresMemberIdentities implements MemberIdentities {
  constructor(
    /** The ingest transaction's connection, or the pool for a lookup outside one. */
    private readonly client: Pick<PoolClient, 'query'>,
    private readonly vault: IdentityVault,
  ) {}

  async find(lookupKeys: readonly string[]): Promise<string | undefined> {
    const matches = await this.matches(lookupKeys);
    return matches.map((match) => match.memberId).sort()[0];
  }

  /** Each key that already points at a member, with that member. */
  private async matches(lookupKeys: readonly string[]): Promise<KeyMatch[]> {
    if (lookupKeys.length === 0) return [];
    const keyByHash = new Map(lookupKeys.map((key) => [this.vault.lookupHash(key), key]));
    const { rows } = await this.client.query<{ lookup_hash: string; member_id: string }>(
      `SELECT lookup_hash, member_id FROM gateway.member_lookup WHERE lookup_hash = ANY($1::text[])`,
      [[...keyByHash.keys()]],
    );
    return rows.map((row) => ({ key: keyByHash.get(row.lookup_hash)!, memberId: row.member_id }));
  }

  async register(patient: PatientIdentity): Promise<Registration> {
    const hashes = patient.lookupKeys.map((key) => this.vault.lookupHash(key));
    // Serialises registrations of the same patient across concurrent requests (until commit).
    for (const hash of [...new Set(hashes)].sort())
      await this.client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [hash]);
    const matches = await this.matches(patient.lookupKeys);
    const sealedOf = await this.sealedIdentities([...new Set(matches.map((match) => match.memberId))]);
    const ehrPatientIds = new Map(
      [...sealedOf].flatMap(([memberId, identity]) =>
        typeof identity.id === 'string' ? [[memberId, identity.id] as const] : [],
      ),
    );
    const match = matchPatientIdentity(patient.patientId, matches, ehrPatientIds);
    if (match.outcome === 'conflict')
      return {
        outcome: 'conflict',
        reason: match.reason,
        memberIds: match.memberIds,
        conflictingKeys: match.conflictingKeys,
      };
    let memberId: string;
    if (match.outcome === 'existing') {
      memberId = match.memberId;
      // A Patient sent without its id (a create by identifier) keeps the EHR id the member is known by.
      const knownId = sealedOf.get(memberId)?.id;
      const identifying =
        patient.identifying['id'] === undefined && knownId !== undefined
          ? { ...patient.identifying, id: knownId }
          : patient.identifying;
      await this.client.query(
        `UPDATE gateway.member_identity SET sealed = $2, updated_at = now() WHERE member_id = $1`,
        [memberId, this.vault.encrypt(identifying)],
      );
    } else {
      memberId = newMemberId();
      await this.client.query(`INSERT INTO gateway.member_identity (member_id, sealed) VALUES ($1, $2)`, [
        memberId,
        this.vault.encrypt(patient.identifying),
      ]);
    }
    await this.client.query(
      `INSERT INTO gateway.member_lookup (lookup_hash, member_id) SELECT unnest($1::text[]), $2 ON CONFLICT (lookup_hash) DO NOTHING`,
      [hashes, memberId],
    );
    return { outcome: 'registered', memberId, created: match.outcome === 'new' };
  }

  async birthDate(memberId: string): Promise<string | undefined> {
    const birthDate = (await this.sealedIdentities([memberId])).get(memberId)?.birthDate;
    return typeof birthDate === 'string' ? birthDate : undefined;
  }

  private async sealedIdentities(
    memberIds: readonly string[],
  ): Promise<Map<string, { id?: unknown; birthDate?: unknown }>> {
    if (memberIds.length === 0) return new Map();
    const { rows } = await this.client.query<{ member_id: string; sealed: string }>(
      `SELECT member_id, sealed FROM gateway.member_identity WHERE member_id = ANY($1::text[])`,
      [memberIds],
    );
    return new Map(
      rows.map((row) => [row.member_id, this.vault.decrypt<{ id?: unknown; birthDate?: unknown }>(row.sealed)]),
    );
  }
}
