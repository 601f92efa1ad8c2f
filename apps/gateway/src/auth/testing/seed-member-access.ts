import { Pool } from 'pg';
import { fixtures } from '@carecircle/contracts';
import { projectTimelineEvent } from '@carecircle/gateway/read-models';
import { relationshipFactsOf } from '@carecircle/platform/access';
import { RelationshipStore } from '@carecircle/platform/service-kit';
import { sqlOfPool } from '@carecircle/platform/event-store';

/** Who may see whom after `seedMemberAccess`: ids from the contract fixtures, plus a second group and member nobody above may see. */
export const SEEDED = {
  member: 'mbr_synthetic_0001',
  /** The member's group (the fixtures'), led by `facilitator`. */
  group: 'grp_cancer_tuesday',
  /** In another group, with another facilitator and no care team of ours. */
  otherMember: 'mbr_synthetic_0002',
  facilitator: 'fac_synthetic_sw_01',
  otherFacilitator: 'fac_synthetic_sw_02',
  clinician: 'clin_synthetic_psy_01',
  otherClinician: 'clin_synthetic_psy_02',
  lead: 'lead_synthetic_01',
  admin: 'adm_synthetic_01',
  /** The drug of the fixtures' MedicationChanged (RxNorm 36437), which facilitators must not see without consent. */
  drugName: 'sertraline',
} as const;

/**
 * Group membership, facilitators and the care team, projected into the timeline read model and the
 * access relationships straight from contract fixtures (no Kafka): the facilitator leads the member's
 * group, the psychiatrist is on the care team (liaison's CareTeamMemberAssigned, open-ended) and changed
 * a medication. Answers after checking that access came out as intended.
 */
export async function seedMemberAccess(databaseUrl: string): Promise<void> {
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const sql = sqlOfPool(pool);
    const otherGroup = 'grp_other_thursday';
    const events = [
      fixtures.GroupFormed,
      fixtures.ReferralReceived,
      fixtures.MemberEnrolled,
      fixtures.MedicationChanged,
      fixtures.CoordinationAlertRaised,
      {
        ...fixtures.GroupFormed,
        eventId: '5a0c1e2f-3b4d-4e5f-8a6b-7c8d9e0f1b01',
        subject: otherGroup,
        payload: { ...fixtures.GroupFormed.payload, groupId: otherGroup, facilitatorIds: [SEEDED.otherFacilitator] },
      },
      {
        ...fixtures.MemberEnrolled,
        eventId: '1d1b9b8e-7c1a-4f7e-b3a8-5a0e2d7f9d02',
        subject: SEEDED.otherMember,
        payload: {
          ...fixtures.MemberEnrolled.payload,
          referralId: 'a3e1c1f4-2f0b-4a77-8f0a-3f3b1c2d4e52',
          groupId: otherGroup,
        },
      },
    ];
    const careTeam = {
      ...fixtures.CareTeamMemberAssigned,
      payload: { ...fixtures.CareTeamMemberAssigned.payload, activeUntil: null },
    };
    const relationships = new RelationshipStore(pool);
    for (const event of [...events, careTeam]) {
      await projectTimelineEvent(sql, event);
      await relationships.apply(pool, relationshipFactsOf(event));
    }
    const [access, other] = await Promise.all([
      relationships.memberRelations(SEEDED.member),
      relationships.memberRelations(SEEDED.otherMember),
    ]);
    const clinicianIds = (relations: typeof access) => relations.careTeam.map((member) => member.clinicianId);
    const expected = { member: [[SEEDED.facilitator], [SEEDED.clinician]], other: [[SEEDED.otherFacilitator], []] };
    const actual = {
      member: [access.facilitatorIds, clinicianIds(access)],
      other: [other.facilitatorIds, clinicianIds(other)],
    };
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      throw new Error(`seeded access is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  } finally {
    await pool.end();
  }
}
