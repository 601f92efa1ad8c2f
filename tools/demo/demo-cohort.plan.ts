import { createHash } from 'node:crypto';

/**
 * What the demo cohort consists of, as plain data: the groups, and per member the referral, consents,
 * care team, attendance and scores, and the one medication start that raises an alert. Pure (the time
 * comes in), so the loader only sends it; every id is derived from a stable seed, so sending it again
 * changes nothing in the services. Synthetic throughout: the staff ids are the dev IdP's demo users.
 */
export const DEMO_FACILITATOR = 'fac_synthetic_sw_01';
export const DEMO_PSYCHIATRIST = 'clin_synthetic_psy_01';
const DEMO_STAFF = 'staff_demo_01';
const DAY_MS = 86_400_000;

export interface DemoGroup {
  groupId: string;
  /** The body of scheduling's `POST /api/scheduling/groups`. */
  details: Record<string, unknown> & { groupId: string; modality: 'online' | 'hybrid' };
}

/** Weekly sessions of a demo group's course. */
const COURSE_WEEKS = 8;
/** Sessions a member attends to have had the dose the literature ties to benefit (DOMAIN.md); the cohort report splits on it. */
export const DOSE_SESSIONS = 6;

/**
 * The demo's groups, facilitated by the demo facilitator: two whose eight-week course ended a week or two
 * before `now` (end-of-course scores, so the cohort report has figures) and one two weeks in (upcoming
 * sessions, where the therapeutic-load rule has a week to look at).
 */
export function demoGroups(now: Date): DemoGroup[] {
  const shapes = [
    { groupId: 'grp_demo_tuesday_evening', weeksAgo: 9, modality: 'hybrid' as const },
    { groupId: 'grp_demo_thursday_online', weeksAgo: 2, modality: 'online' as const },
    { groupId: 'grp_demo_saturday_online', weeksAgo: 10, modality: 'online' as const },
  ];
  return shapes.map(({ groupId, weeksAgo, modality }) => {
    const first = new Date(now.getTime() - weeksAgo * 7 * DAY_MS - DAY_MS);
    first.setUTCHours(17, 0, 0, 0);
    return {
      groupId,
      details: {
        groupId,
        groupType: 'general-emotional-support',
        seats: 12,
        openness: 'open',
        modality,
        ...(modality === 'hybrid' ? { locationId: 'loc_demo_room_2' } : {}),
        videoLink: `https://video.example.test/${groupId}`,
        facilitatorIds: [DEMO_FACILITATOR],
        ageBand: { min: 18, max: 99 },
        cadence: 'weekly',
        sessionMinutes: 90,
        courseWeeks: COURSE_WEEKS,
        firstSessionAt: first.toISOString(),
        timeZone: 'Europe/Berlin',
      },
    };
  });
}

/** A member of the cohort: who, which group, and the ids of what the loader creates for them. */
export interface DemoMember {
  memberId: string;
  /** Position in the cohort (drives the varied but fixed scores and attendance). */
  index: number;
  age: number;
  birthYear: number;
  groupId: string;
  referralId: string;
  /** Attends all but one session (at least DOSE_SESSIONS of a whole course), or about half. */
  attendsFully?: boolean;
}

export interface CohortCandidate {
  memberId: string;
  birthDate?: string;
  deceased: boolean;
}

/** Living adults, spread over the groups in turn; the others are left out, counted by reason. */
export function demoMembers(
  candidates: readonly CohortCandidate[],
  groups: readonly DemoGroup[],
  now: Date,
): { members: DemoMember[]; leftOut: { deceased: number; notAdult: number } } {
  const members: DemoMember[] = [];
  const leftOut = { deceased: 0, notAdult: 0 };
  const finished = groups.filter((group) => courseEndedBy(group, now));
  const running = groups.find((group) => !courseEndedBy(group, now)) ?? groups[0]!;
  for (const candidate of candidates) {
    if (candidate.deceased) {
      leftOut.deceased++;
      continue;
    }
    const age = candidate.birthDate ? ageOn(candidate.birthDate, now) : undefined;
    if (age === undefined || age < 18 || age > 99) {
      leftOut.notAdult++;
      continue;
    }
    const index = members.length;
    // The overloaded member joins the running group (its next session anchors the crowded week); the others
    // alternate over the finished courses, every other one attending fully: the report's two dose cells.
    const placed = members.filter((member) => member.index !== OVERLOAD_MEMBER_INDEX).length;
    const group =
      index === OVERLOAD_MEMBER_INDEX || finished.length === 0 ? running : finished[placed % finished.length]!;
    members.push({
      memberId: candidate.memberId,
      index,
      age,
      birthYear: now.getUTCFullYear() - age,
      groupId: group.groupId,
      referralId: stableUuid(`referral:${candidate.memberId}`),
      attendsFully: index !== OVERLOAD_MEMBER_INDEX && placed % 2 === 0,
    });
  }
  return { members, leftOut };
}

/** When the course's last session has been held, a day's margin after it: end-of-course scores are due. */
function courseEndAt(firstSessionAt: string): number {
  return Date.parse(firstSessionAt) + (COURSE_WEEKS - 1) * 7 * DAY_MS + DAY_MS;
}

function courseEndedBy(group: DemoGroup, now: Date): boolean {
  return courseEndAt(String(group.details['firstSessionAt'])) <= now.getTime();
}

function ageOn(birthDate: string, now: Date): number | undefined {
  const born = new Date(`${birthDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(born.getTime())) return undefined;
  const birthdayPassed =
    now.getUTCMonth() > born.getUTCMonth() ||
    (now.getUTCMonth() === born.getUTCMonth() && now.getUTCDate() >= born.getUTCDate());
  return now.getUTCFullYear() - born.getUTCFullYear() - (birthdayPassed ? 0 : 1);
}

/** A UUID (version 4 layout) derived from `seed`: the same seed gives the same id, so a re-sent request is recognised. */
export function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(`carecircle-demo:${seed}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** PHQ-9 at baseline, 6-12 (mild to moderate): eligible for a general group. */
const baselinePhq9 = (member: DemoMember) => 6 + ((member.index * 5) % 7);
const baselineGad7 = (member: DemoMember) => 4 + ((member.index * 3) % 6);
/** The one member whose PHQ-9 worsens by the meaningful change (+5): outcomes detects it, liaison alerts. */
export const DETERIORATING_MEMBER_INDEX = 1;
/** The one member whose antidepressant start raises the medication alert. */
export const MEDICATION_MEMBER_INDEX = 0;

/** The member whose mid-course PHQ-9 answers item 9 with 1 ("several days"): a same-day evaluation for the psychiatrist. */
export const ITEM9_MEMBER_INDEX = 2;
/** The member whose week holds two CBT sessions and a psychiatry visit besides the group: therapeutic overload. */
export const OVERLOAD_MEMBER_INDEX = 3;
/** A member with cancer whose palliative plan starts: the facilitator adapts the group's topics. */
export const PALLIATIVE_MEMBER_INDEX = 5;

/** Enrollment's `POST /api/enrollment/referrals`: a screened referral that places the member in a general group. */
export function referralOf(member: DemoMember) {
  return {
    referralId: member.referralId,
    memberId: member.memberId,
    referringClinicianId: DEMO_PSYCHIATRIST,
    wantedGroupType: 'general-emotional-support',
    modalityPreference: 'online',
    memberRole: 'patient',
    screeningFacts: {
      age: member.age,
      conditions: [['depression'], ['cancer'], ['chronic-pain'], ['anxiety']][member.index % 4]!,
      phq9: { total: baselinePhq9(member), item9: 0 },
      gad7: baselineGad7(member),
      pcl5: 12,
      ptsdDiagnosis: false,
      highImpulsivity: false,
      acutePsychogenicDisorder: false,
      suicidalOrHomicidalIntent: false,
      psychosisOrAcuteMania: false,
    },
  };
}

/** Both consents enrolment needs, signed a month before `now`. */
export function consentsOf(now: Date) {
  const signedAt = new Date(now.getTime() - 30 * DAY_MS).toISOString();
  return (['treatment', 'confidentiality-agreement'] as const).map((kind) => ({
    kind,
    agreementVersion: '2026-01',
    sharingScope: ['psychiatrist'],
    recordedBy: DEMO_STAFF,
    signedAt,
  }));
}

/**
 * Clinician-liaison's profile and care team: the demo psychiatrist and the demo facilitator (so alerts
 * reach both). The profile carries the birth year only (1 January): the rules need an age, not the date.
 */
export function careTeamOf(member: DemoMember) {
  return {
    profile: {
      birthDate: `${member.birthYear}-01-01`,
      cohort: 'general',
      shareMedicationDetailsWithFacilitator: false,
      part2Consent: false,
    },
    assignments: [
      { clinicianId: DEMO_PSYCHIATRIST, role: 'attending-psychiatrist' },
      { clinicianId: DEMO_FACILITATOR, role: 'facilitator' },
    ],
  };
}

export interface HeldSession {
  sessionId: string;
  startsAt: string;
}

const ONLINE_PATTERN = ['attended-online', 'attended-online', 'absent', 'attended-online', 'excused'] as const;
const HYBRID_PATTERN = ['attended-in-person', 'attended-online', 'absent', 'attended-in-person', 'excused'] as const;

/**
 * Attendance at the sessions of the member's group that have started: a member who attends fully misses
 * one session (the fifth); the others follow a pattern of about three in five, four or five of a course.
 */
export function attendanceOf(
  member: DemoMember,
  modality: DemoGroup['details']['modality'],
  held: readonly HeldSession[],
) {
  const pattern = modality === 'hybrid' ? HYBRID_PATTERN : ONLINE_PATTERN;
  const present = modality === 'hybrid' ? 'attended-in-person' : 'attended-online';
  const statusAt = (sequence: number) =>
    member.attendsFully ? (sequence === 4 ? 'absent' : present) : pattern[(member.index + sequence) % pattern.length]!;
  return held.map((session, sequence) => ({
    sessionId: session.sessionId,
    body: { memberId: member.memberId, status: statusAt(sequence) },
  }));
}

/**
 * Outcomes' `POST …/measures`: PHQ-9 and GAD-7 at baseline (two days before the group's first session),
 * a mid-course PHQ-9 two weeks into the course for every other member (most improve, one worsens by 5),
 * and, once the course has ended, PHQ-9 and GAD-7 at its end: more improvement for those who attended
 * fully, the worsening member back to near baseline. Times follow the group's calendar and `now` only,
 * so the same measure is sent again unchanged.
 */
export function measuresOf(member: DemoMember, firstSessionAt: string, now: Date) {
  const baselineAt = new Date(Date.parse(firstSessionAt) - 2 * DAY_MS).toISOString();
  const midCourseAt = new Date(Date.parse(firstSessionAt) + 14 * DAY_MS + 2 * 3_600_000).toISOString();
  const common = { administeredBy: DEMO_PSYCHIATRIST, groupId: member.groupId };
  const measure = (
    instrument: 'phq-9' | 'gad-7',
    point: 'baseline' | 'mid-course' | 'end',
    total: number,
    administeredAt: string,
  ) => ({
    measureId: stableUuid(`measure:${member.memberId}:${instrument}:${point}`),
    instrument,
    total,
    ...(instrument === 'phq-9'
      ? { item9: instrument === 'phq-9' && point === 'mid-course' && member.index === ITEM9_MEMBER_INDEX ? 1 : 0 }
      : {}),
    point,
    administeredAt,
    ...common,
  });
  const measures = [
    measure('phq-9', 'baseline', baselinePhq9(member), baselineAt),
    measure('gad-7', 'baseline', baselineGad7(member), baselineAt),
  ];
  if (member.index === DETERIORATING_MEMBER_INDEX || member.index === ITEM9_MEMBER_INDEX || member.index % 2 === 0) {
    const change = member.index === DETERIORATING_MEMBER_INDEX ? +5 : -4;
    measures.push(measure('phq-9', 'mid-course', baselinePhq9(member) + change, midCourseAt));
  }
  const endAt = courseEndAt(firstSessionAt);
  if (endAt <= now.getTime()) {
    const [phq9Change, gad7Change] =
      member.index === DETERIORATING_MEMBER_INDEX
        ? [+1, 0]
        : member.attendsFully
          ? [-(4 + (member.index % 4)), -(3 + (member.index % 3))]
          : [-(member.index % 3), -(member.index % 2)];
    const at = new Date(endAt).toISOString();
    measures.push(
      measure('phq-9', 'end', Math.max(0, baselinePhq9(member) + phq9Change), at),
      measure('gad-7', 'end', Math.max(0, baselineGad7(member) + gad7Change), at),
    );
  }
  return measures;
}

/** Clinician-liaison's `POST …/medications`: an SSRI started by the demo psychiatrist while the member attends a group. */
export function medicationStartOf(member: DemoMember) {
  return {
    medicationId: `med_demo_${member.memberId.slice(4, 16)}`,
    rxnormCode: '36437',
    name: 'sertraline',
    dailyDose: 50,
    doseUnit: 'mg',
    route: 'oral',
    frequency: 'daily',
    prescriberId: DEMO_PSYCHIATRIST,
  };
}

/**
 * Scheduling's `POST …/contacts`: two CBT sessions and a psychiatry visit in the days after the member's
 * next group session, so that four structured contacts fall within seven days (the default cap is 3).
 */
export function overloadContactsOf(member: DemoMember, groupSessionAt: string) {
  const at = (days: number, hour: number, minutes: number) => {
    const start = new Date(Date.parse(groupSessionAt) + days * DAY_MS);
    start.setUTCHours(hour, 0, 0, 0);
    return { start: start.toISOString(), end: new Date(start.getTime() + minutes * 60_000).toISOString() };
  };
  const prefix = `tc_demo_${member.memberId.slice(4, 16)}`;
  return [
    { contactId: `${prefix}_cbt_1`, kind: 'cbt' as const, ...at(1, 14, 50) },
    { contactId: `${prefix}_psychiatry`, kind: 'psychiatry' as const, ...at(2, 9, 30) },
    { contactId: `${prefix}_cbt_2`, kind: 'cbt' as const, ...at(3, 14, 50) },
  ];
}

/** Clinician-liaison's `POST …/palliative-plans`: a palliative plan starts (no free text in the demo). */
export function palliativePlanOf(member: DemoMember) {
  return { planId: `plan_demo_${member.memberId.slice(4, 16)}` };
}
