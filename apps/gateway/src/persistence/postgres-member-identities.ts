import type { PoolClient } from 'pg';
import { newMemberId, type IdentityVault, type MemberIdentities, type PatientIdentity } from '@carecircle/gateway/application';

/** Identifier hashes → member id, and the sealed identity, in the caller's transaction. */
export class PostgresMemberIdentities implements MemberIdentities {
  constructor(
    /** The ingest transaction's connection, or the pool for a lookup outside one. */
    private readonly client: Pick<PoolClient, 'query'>,
    private readonly vault: IdentityVault,
  ) {}

  find(lookupKeys: readonly string[]): Promise<string | undefined> {
    return this.findByHashes(lookupKeys.map((key) => this.vault.lookupHash(key)));
  }

  private async findByHashes(lookupHashes: readonly string[]): Promise<string | undefined> {
    if (lookupHashes.length === 0) return undefined;
    const { rows } = await this.client.query<{ member_id: string }>(
      `SELECT member_id FROM gateway.member_lookup WHERE lookup_hash = ANY($1::text[]) ORDER BY member_id LIMIT 1`,
      [lookupHashes],
    );
    return rows[0]?.member_id;
  }

  async register(patient: PatientIdentity): Promise<string> {
    const hashes = patient.lookupKeys.map((key) => this.vault.lookupHash(key));
    const sealed = this.vault.encrypt(patient.identifying);
    // Serialises registrations of the same patient across concurrent requests (until commit).
    for (const hash of [...hashes].sort()) await this.client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [hash]);
    let memberId = await this.findByHashes(hashes);
    if (memberId) {
      await this.client.query(`UPDATE gateway.member_identity SET sealed = $2, updated_at = now() WHERE member_id = $1`, [memberId, sealed]);
    } else {
      memberId = newMemberId();
      await this.client.query(`INSERT INTO gateway.member_identity (member_id, sealed) VALUES ($1, $2)`, [memberId, sealed]);
    }
    await this.client.query(
      `INSERT INTO gateway.member_lookup (lookup_hash, member_id) SELECT unnest($1::text[]), $2 ON CONFLICT (lookup_hash) DO NOTHING`,
      [hashes, memberId],
    );
    return memberId;
  }

  async birthDate(memberId: string): Promise<string | undefined> {
    const { rows } = await this.client.query<{ sealed: string }>(`SELECT sealed FROM gateway.member_identity WHERE member_id = $1`, [memberId]);
    const birthDate = rows[0] ? this.vault.decrypt<{ birthDate?: unknown }>(rows[0].sealed).birthDate : undefined;
    return typeof birthDate === 'string' ? birthDate : undefined;
  }
}
