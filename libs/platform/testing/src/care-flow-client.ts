import { randomUUID } from 'node:crypto';
import { httpJson } from './http-json';
import { waitFor } from './wait-for';

/**
 * HTTP helpers for the real care flow, as a care coordinator's tools would call it: scheduling forms a
 * group (enrollment learns it from GroupFormed on Kafka); enrollment receives a screened referral,
 * records the treatment consent and the confidentiality agreement, and enrols the member in a seat;
 * scheduling's roster learns the enrolment from MemberEnrolled on Kafka. Synthetic data only.
 */
type Url = string | (() => string);

export interface RosterResponse {
  groupId: string;
  members: { memberId: string; status: string }[];
  enrolmentsApplied: number;
}

export interface Enrolment {
  memberId: string;
  groupId: string;
}

/** The most seats a group may have (DOMAIN.md: 6-12). */
export const SEATS_PER_GROUP = 12;

/** Screening facts that make a member plainly eligible: mild scores, no PTSD, no acute finding. */
export const ELIGIBLE_SCREENING_FACTS = {
  age: 47,
  conditions: ['cancer'],
  phq9: { total: 6, item9: 0 },
  gad7: 5,
  pcl5: 12,
  ptsdDiagnosis: false,
  highImpulsivity: false,
  acutePsychogenicDisorder: false,
  suicidalOrHomicidalIntent: false,
  psychosisOrAcuteMania: false,
} as const;

const CONSENT_KINDS = ['treatment', 'confidentiality-agreement'] as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/** An open, online, weekly general-support group for adults that starts in two weeks. */
export function groupDetails(groupId: string) {
  const firstSessionAt = new Date(Math.ceil((Date.now() + 14 * DAY_MS) / 3_600_000) * 3_600_000).toISOString();
  return {
    groupId,
    groupType: 'general-emotional-support',
    seats: SEATS_PER_GROUP,
    openness: 'open',
    modality: 'online',
    videoLink: `https://video.example.test/${groupId}`,
    facilitatorIds: ['fac_e2e_01'],
    ageBand: { min: 18, max: 99 },
    cadence: 'weekly',
    sessionMinutes: 90,
    courseWeeks: 8,
    firstSessionAt,
    timeZone: 'Europe/Berlin',
  };
}

/** `count` group ids, enough for `members` members at 12 seats each (at least one). */
export function groupIdsFor(label: string, members: number): string[] {
  const count = Math.max(1, Math.ceil(members / SEATS_PER_GROUP));
  return Array.from({ length: count }, (_, i) => `grp_e2e_${label}_${String(i).padStart(3, '0')}`);
}

/** Forms the groups through scheduling's REST. */
export async function formGroups(schedulingUrl: Url, groupIds: readonly string[], concurrency = 8): Promise<void> {
  const scheduling = httpJson(schedulingUrl);
  await inParallel(groupIds, concurrency, async (groupId) =>
    expectAccepted(await scheduling.post('/api/scheduling/groups', groupDetails(groupId)), `form ${groupId}`),
  );
}

/** Waits (bounded) until enrollment's catalogue, fed by scheduling's GroupFormed events, knows every group. */
export async function waitForCatalogue(
  enrollmentUrl: Url,
  groupIds: readonly string[],
  timeoutMs = 60_000,
): Promise<void> {
  const enrollment = httpJson(enrollmentUrl);
  const unknown = new Set(groupIds);
  await waitFor(
    async () => {
      await inParallel([...unknown], 8, async (groupId) => {
        if ((await enrollment.get(`/api/enrollment/groups/${groupId}`)).status === 200) unknown.delete(groupId);
      });
      return unknown.size === 0;
    },
    {
      timeoutMs,
      intervalMs: 250,
      description: `enrollment's catalogue to learn ${groupIds.length} groups formed in scheduling (still unknown: ${unknown.size})`,
    },
  );
}

/** Forms the groups in scheduling and waits until enrollment can place members in them. */
export async function formGroupsKnownToEnrollment(
  urls: { scheduling: Url; enrollment: Url },
  groupIds: readonly string[],
): Promise<void> {
  await formGroups(urls.scheduling, groupIds);
  await waitForCatalogue(urls.enrollment, groupIds);
}

/** A referral with screening facts that make the member eligible; returns its id. */
export async function refer(enrollmentUrl: Url, memberId: string): Promise<string> {
  const referralId = randomUUID();
  const referral = {
    referralId,
    memberId,
    referringClinicianId: 'clin_e2e_psy_01',
    wantedGroupType: 'general-emotional-support',
    modalityPreference: 'online',
    memberRole: 'patient',
    screeningFacts: ELIGIBLE_SCREENING_FACTS,
  };
  expectAccepted(await httpJson(enrollmentUrl).post('/api/enrollment/referrals', referral), `refer ${memberId}`);
  return referralId;
}

/** Records the treatment consent and the group confidentiality agreement. */
export async function recordConsents(enrollmentUrl: Url, referralId: string): Promise<void> {
  const enrollment = httpJson(enrollmentUrl);
  for (const kind of CONSENT_KINDS) {
    const consent = {
      kind,
      agreementVersion: '2026-01',
      sharingScope: ['psychiatrist'],
      recordedBy: 'staff_e2e_01',
      signedAt: '2026-01-05T10:00:00.000Z',
    };
    expectAccepted(
      await enrollment.post(`/api/enrollment/referrals/${referralId}/consents`, consent),
      `record ${kind} consent`,
    );
  }
}

/** Enrols the referred member in a seat of the group. */
export async function enrolInGroup(enrollmentUrl: Url, groupId: string, referralId: string): Promise<void> {
  expectAccepted(
    await httpJson(enrollmentUrl).post(`/api/enrollment/groups/${groupId}/enrolments`, { referralId }),
    `enrol in ${groupId}`,
  );
}

/** The whole flow for one member: referral with screening, both consents, enrolment. */
export async function referConsentAndEnrol(enrollmentUrl: Url, memberId: string, groupId: string): Promise<void> {
  const referralId = await refer(enrollmentUrl, memberId);
  await recordConsents(enrollmentUrl, referralId);
  await enrolInGroup(enrollmentUrl, groupId, referralId);
}

/**
 * Takes `count` members through the flow with bounded concurrency, spread round-robin over the groups
 * (so concurrent requests rarely compete for one group's seats). Returns the enrolments that were
 * accepted and the members whose flow failed (e.g. the service was killed mid-request).
 */
export async function enrolMany(
  enrollmentUrl: () => string,
  label: string,
  groupIds: readonly string[],
  count: number,
  concurrency = 8,
): Promise<{ accepted: Enrolment[]; failed: { memberId: string; error: string }[] }> {
  if (count > groupIds.length * SEATS_PER_GROUP)
    throw new Error(`${count} members do not fit into ${groupIds.length} groups of ${SEATS_PER_GROUP} seats`);
  const enrolments = Array.from({ length: count }, (_, i) => ({
    memberId: `mbr_e2e_${label}_${String(i).padStart(4, '0')}`,
    groupId: groupIds[i % groupIds.length]!,
  }));
  const accepted: Enrolment[] = [];
  const failed: { memberId: string; error: string }[] = [];
  await inParallel(enrolments, concurrency, async (enrolment) => {
    try {
      await referConsentAndEnrol(enrollmentUrl, enrolment.memberId, enrolment.groupId);
      accepted.push(enrolment);
    } catch (error) {
      failed.push({ memberId: enrolment.memberId, error: error instanceof Error ? error.message : String(error) });
    }
  });
  return { accepted, failed };
}

export async function roster(schedulingUrl: Url, groupId: string): Promise<RosterResponse> {
  const response = await httpJson(schedulingUrl).get<RosterResponse>(`/api/scheduling/groups/${groupId}/roster`);
  if (response.status !== 200) throw new Error(`roster of ${groupId}: HTTP ${response.status}`);
  return response.body;
}

/** Scheduling's rosters of the groups. */
export async function rosters(schedulingUrl: Url, groupIds: readonly string[]): Promise<RosterResponse[]> {
  const found: RosterResponse[] = [];
  await inParallel(groupIds, 8, async (groupId) => void found.push(await roster(schedulingUrl, groupId)));
  return found;
}

/** Members on scheduling's rosters of the groups, in total. */
export async function rosterSize(schedulingUrl: Url, groupIds: readonly string[]): Promise<number> {
  return (await rosters(schedulingUrl, groupIds)).reduce((sum, r) => sum + r.members.length, 0);
}

function expectAccepted(response: { status: number; body: unknown }, what: string): void {
  if (response.status !== 202) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
}

async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
