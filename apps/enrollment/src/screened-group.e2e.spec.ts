import { randomUUID } from 'node:crypto';
import { startServiceProcess, type ServiceProcess } from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  httpJson,
  startKafka,
  waitFor,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import {
  ELIGIBLE_SCREENING_FACTS,
  groupDetails,
  recordConsents,
  roster,
  waitForCatalogue,
} from '@carecircle/platform/testing';

/**
 * Issue 3's e2e: enrollment and scheduling as separate processes on one Kafka cluster, each with its own
 * database. Scheduling forms a group of 6 seats; enrollment screens 8 referred members (PTSD, severe
 * anxiety, PHQ-9 item 9 positive, five plainly eligible), records their consents and tries to seat them
 * all. Who is enrolled, waitlisted or held, and why, is read back in plain words; scheduling's roster shows
 * exactly the enrolled members; a withdrawal offers the freed seat to the first on the waitlist; a group
 * formed later in scheduling offers its seats to members still waiting. Synthetic data only.
 */
jest.setTimeout(120_000);

interface Problem {
  code: string;
  detail: string;
}
interface ReferralView {
  status: string;
  screening: { outcome: string; reasons: { code: string; text: string }[] };
  placementGroupId: string | null;
  history: { type: string }[];
}
interface SeatsView {
  roster: { memberId: string }[];
  waitlist: { memberId: string; priority: number }[];
  offers: { memberId: string; expiresAt: string; waitingInGroupId?: string }[];
  history: { type: string; memberId: string }[];
}

const facts = ELIGIBLE_SCREENING_FACTS;
const MEMBERS = [
  { memberId: 'mbr_e2e_scr_eligible_1', facts },
  { memberId: 'mbr_e2e_scr_ptsd', facts: { ...facts, ptsdDiagnosis: true, pcl5: 44 } },
  { memberId: 'mbr_e2e_scr_eligible_2', facts },
  { memberId: 'mbr_e2e_scr_severe_anxiety', facts: { ...facts, gad7: 17 } },
  { memberId: 'mbr_e2e_scr_eligible_3', facts },
  { memberId: 'mbr_e2e_scr_item9', facts: { ...facts, phq9: { total: 5, item9: 1 } } },
  { memberId: 'mbr_e2e_scr_eligible_4', facts },
  { memberId: 'mbr_e2e_scr_eligible_5', facts },
] as const;
type MemberId = (typeof MEMBERS)[number]['memberId'];

describe('enrollment with scheduling: screening, seats, waitlist and offers (issue 3)', () => {
  let kafka: KafkaCluster | undefined;
  let enrollmentDb: TestDatabase | undefined;
  let schedulingDb: TestDatabase | undefined;
  let enrollment: ServiceProcess | undefined;
  let scheduling: ServiceProcess | undefined;

  beforeAll(async () => {
    kafka = await startKafka();
    [enrollmentDb, schedulingDb] = await Promise.all([
      createTestDatabase('e2e_enrollment_screened'),
      createTestDatabase('e2e_scheduling_screened'),
    ]);
    const common = {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'info',
    };
    [enrollment, scheduling] = await Promise.all([
      startServiceProcess({
        app: 'enrollment',
        env: { ...common, DATABASE_URL: enrollmentDb.url, ENROLLMENT_OFFER_POLL_MS: '250' },
        startTimeoutMs: 60_000,
      }),
      startServiceProcess({
        app: 'scheduling',
        env: { ...common, DATABASE_URL: schedulingDb.url },
        startTimeoutMs: 60_000,
      }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([enrollment?.kill9(), scheduling?.kill9()]);
    await Promise.all([enrollmentDb?.drop(), schedulingDb?.drop()]);
    await kafka?.stop();
  });

  const api = () => httpJson(enrollment!.url);
  const referralOf = new Map<MemberId, string>();
  const ref = (memberId: MemberId) => referralOf.get(memberId)!;
  const referral = async (memberId: MemberId) =>
    (await api().get<ReferralView>(`/api/enrollment/referrals/${ref(memberId)}`)).body;
  const seats = async (groupId: string) => (await api().get<SeatsView>(`/api/enrollment/groups/${groupId}`)).body;
  const enrol = (groupId: string, memberId: MemberId) =>
    api().post<Problem>(`/api/enrollment/groups/${groupId}/enrolments`, { referralId: ref(memberId) });

  async function formGroup(groupId: string, overrides: object) {
    const formed = await httpJson(scheduling!.url).post('/api/scheduling/groups', {
      ...groupDetails(groupId),
      ...overrides,
    });
    expect(formed.status).toBe(202);
    await waitForCatalogue(enrollment!.url, [groupId], 30_000);
  }

  /** Scheduling's roster (learnt over Kafka) lists exactly these members as enrolled. */
  async function expectSchedulingRoster(groupId: string, enrolled: readonly string[]) {
    const expected = [...enrolled].sort();
    const enrolledOnRoster = async () =>
      (await roster(scheduling!.url, groupId)).members
        .filter((m) => m.status === 'enrolled')
        .map((m) => m.memberId)
        .sort();
    await waitFor(async () => JSON.stringify(await enrolledOnRoster()) === JSON.stringify(expected), {
      timeoutMs: 30_000,
      intervalMs: 200,
      description: `scheduling's roster of ${groupId} to list exactly ${expected.length} enrolled members`,
    });
  }

  it('seats the eligible and the constrained, holds PTSD and item 9 with reasons, and moves the waitlist on a withdrawal', async () => {
    const groupId = 'grp_e2e_screened_biweekly';
    // Small and biweekly, so the member with severe anxiety may join it (DOMAIN.md: <= 8 members, low frequency).
    await formGroup(groupId, { seats: 6, cadence: 'biweekly' });

    for (const member of MEMBERS) {
      const referralId = randomUUID();
      referralOf.set(member.memberId, referralId);
      const referred = await api().post('/api/enrollment/referrals', {
        referralId,
        memberId: member.memberId,
        referringClinicianId: 'clin_e2e_psy_01',
        wantedGroupType: 'general-emotional-support',
        modalityPreference: 'online',
        memberRole: 'patient',
        screeningFacts: member.facts,
      });
      expect(referred.status).toBe(202);
      await recordConsents(enrollment!.url, referralId);
    }

    // Try to enrol everyone, in referral order.
    const attempts = new Map<MemberId, { status: number; body: Problem }>();
    for (const { memberId } of MEMBERS) attempts.set(memberId, await enrol(groupId, memberId));
    const enrolled: MemberId[] = [
      'mbr_e2e_scr_eligible_1',
      'mbr_e2e_scr_eligible_2',
      'mbr_e2e_scr_severe_anxiety',
      'mbr_e2e_scr_eligible_3',
      'mbr_e2e_scr_eligible_4',
      'mbr_e2e_scr_eligible_5',
    ];
    for (const memberId of enrolled) expect([memberId, attempts.get(memberId)!.status]).toEqual([memberId, 202]);

    // Held, each with its reason in plain words (422, nothing written).
    const ptsd = attempts.get('mbr_e2e_scr_ptsd')!;
    expect([ptsd.status, ptsd.body.code]).toEqual([422, 'enrollment.screening-individual-counseling-first']);
    expect(ptsd.body.detail).toMatch(/Trauma-focused individual counseling comes first/);
    const item9 = attempts.get('mbr_e2e_scr_item9')!;
    expect([item9.status, item9.body.code]).toEqual([422, 'enrollment.screening-placement-on-hold']);
    expect(item9.body.detail).toMatch(
      /thoughts of self-harm .*Placement is on hold and the psychiatrist gets a same-day task/,
    );

    // The referral read model explains every outcome, without quoting scores.
    const outcomes = Object.fromEntries(
      await Promise.all(MEMBERS.map(async ({ memberId }) => [memberId, await referral(memberId)] as const)),
    );
    expect(outcomes['mbr_e2e_scr_eligible_1']!.screening).toMatchObject({
      outcome: 'eligible',
      reasons: [{ code: 'no-contraindication', text: 'No finding stands against group placement.' }],
    });
    expect(outcomes['mbr_e2e_scr_severe_anxiety']!.screening.outcome).toBe('eligible-with-constraints');
    expect(outcomes['mbr_e2e_scr_severe_anxiety']!.screening.reasons[0]!.text).toMatch(
      /only a small group \(at most 8 members\) meeting biweekly or monthly/,
    );
    expect(outcomes['mbr_e2e_scr_ptsd']!.history.map((h) => h.type)).toContain('IndividualCounselingRecommended');
    expect(outcomes['mbr_e2e_scr_item9']!.history.map((h) => h.type)).toContain('PsychiatricEvaluationRequired');
    for (const memberId of enrolled) expect(outcomes[memberId]!.placementGroupId).toBe(groupId);
    for (const memberId of ['mbr_e2e_scr_ptsd', 'mbr_e2e_scr_item9'] as const)
      expect(outcomes[memberId]!.placementGroupId).toBeNull();
    expect(JSON.stringify(outcomes)).not.toMatch(/"item9":|"pcl5":|"gad7":/);

    const afterEnrolment = await seats(groupId);
    expect(afterEnrolment.roster.map((m) => m.memberId).sort()).toEqual([...enrolled].sort());
    expect(afterEnrolment.waitlist).toEqual([]);
    await expectSchedulingRoster(groupId, enrolled);

    // The psychiatrist's evaluation: a re-screen without item 9 lifts the hold; the group is full, so the waitlist.
    expect(
      (
        await api().post(`/api/enrollment/referrals/${ref('mbr_e2e_scr_item9')}/screenings`, {
          facts: { ...facts, phq9: { total: 4, item9: 0 } },
        })
      ).status,
    ).toBe(202);
    const full = await enrol(groupId, 'mbr_e2e_scr_item9');
    expect([full.status, full.body.code]).toEqual([409, 'enrollment.group-full']);
    expect(
      (await api().post(`/api/enrollment/groups/${groupId}/waitlist`, { referralId: ref('mbr_e2e_scr_item9') })).status,
    ).toBe(202);
    // Trauma-focused counseling is now in place: the PTSD member may join alongside it, behind the first.
    expect(
      (
        await api().post(`/api/enrollment/referrals/${ref('mbr_e2e_scr_ptsd')}/screenings`, {
          facts: { ...facts, ptsdDiagnosis: true, individualCounselingInPlace: true },
        })
      ).status,
    ).toBe(202);
    expect(
      (await api().post(`/api/enrollment/groups/${groupId}/waitlist`, { referralId: ref('mbr_e2e_scr_ptsd') })).status,
    ).toBe(202);
    expect((await seats(groupId)).waitlist.map((w) => w.memberId)).toEqual(['mbr_e2e_scr_item9', 'mbr_e2e_scr_ptsd']);
    expect((await referral('mbr_e2e_scr_item9')).placementGroupId).toBe(groupId);

    // A withdrawal frees a seat: it is offered to the first on the waitlist, not the second.
    const withdrew = await api().post(`/api/enrollment/groups/${groupId}/withdrawals`, {
      memberId: 'mbr_e2e_scr_eligible_2',
      reason: 'member-request',
    });
    expect(withdrew.status).toBe(202);
    const afterWithdrawal = await seats(groupId);
    expect(afterWithdrawal.offers.map((o) => o.memberId)).toEqual(['mbr_e2e_scr_item9']);
    expect(afterWithdrawal.waitlist.map((w) => w.memberId)).toEqual(['mbr_e2e_scr_ptsd']);
    expect(afterWithdrawal.history.slice(-2)).toEqual([
      expect.objectContaining({ type: 'MemberWithdrew', memberId: 'mbr_e2e_scr_eligible_2' }),
      expect.objectContaining({ type: 'SeatOffered', memberId: 'mbr_e2e_scr_item9' }),
    ]);
    expect((await api().post(`/api/enrollment/groups/${groupId}/offers/mbr_e2e_scr_item9/acceptance`)).status).toBe(
      202,
    );
    const seated = [...enrolled.filter((m) => m !== 'mbr_e2e_scr_eligible_2'), 'mbr_e2e_scr_item9'];
    expect((await seats(groupId)).roster.map((m) => m.memberId).sort()).toEqual([...seated].sort());
    await expectSchedulingRoster(groupId, seated);
  });

  // Continues from the first test: the PTSD member still waits on the full biweekly group.
  it('offers the seats of a group newly formed in scheduling to the member waiting on a full group of its kind', async () => {
    const fullGroupId = 'grp_e2e_screened_biweekly';
    const newGroupId = 'grp_e2e_screened_new_weekly';
    expect((await seats(fullGroupId)).waitlist.map((w) => w.memberId)).toEqual(['mbr_e2e_scr_ptsd']);
    await formGroup(newGroupId, { seats: 8, cadence: 'weekly' });

    const offered = await waitFor(
      async () => (await seats(newGroupId)).offers.find((o) => o.memberId === 'mbr_e2e_scr_ptsd'),
      {
        timeoutMs: 15_000,
        intervalMs: 100,
        description: "enrollment's seat keeper to offer the new group's seat to the member waiting on the full group",
      },
    );
    expect(offered.waitingInGroupId).toBe(fullGroupId);
    expect((await api().post(`/api/enrollment/groups/${newGroupId}/offers/mbr_e2e_scr_ptsd/acceptance`)).status).toBe(
      202,
    );

    const [newGroup, fullGroup, ptsd] = await Promise.all([
      seats(newGroupId),
      seats(fullGroupId),
      referral('mbr_e2e_scr_ptsd'),
    ]);
    expect(newGroup.roster.map((m) => m.memberId)).toEqual(['mbr_e2e_scr_ptsd']);
    expect(fullGroup.waitlist).toEqual([]);
    expect(fullGroup.history.at(-1)).toEqual(
      expect.objectContaining({ type: 'WaitlistLeft', memberId: 'mbr_e2e_scr_ptsd' }),
    );
    expect(ptsd.placementGroupId).toBe(newGroupId);
    await expectSchedulingRoster(newGroupId, ['mbr_e2e_scr_ptsd']);
  });
});
