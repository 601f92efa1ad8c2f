import {
  attendanceOf,
  careTeamOf,
  DEMO_FACILITATOR,
  demoGroups,
  demoMembers,
  DETERIORATING_MEMBER_INDEX,
  DOSE_SESSIONS,
  ITEM9_MEMBER_INDEX,
  measuresOf,
  OVERLOAD_MEMBER_INDEX,
  overloadContactsOf,
  referralOf,
  stableUuid,
  type CohortCandidate,
} from './demo-cohort.plan';
import { generatedPatients } from './demo-patients';

const NOW = new Date('2026-11-27T09:30:00.000Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const candidates: CohortCandidate[] = [
  { memberId: 'mbr_demo_aaaaaa', birthDate: '1973-06-29', deceased: false },
  { memberId: 'mbr_demo_bbbbbb', birthDate: '1920-04-23', deceased: true },
  { memberId: 'mbr_demo_cccccc', birthDate: '2015-02-01', deceased: false },
  { memberId: 'mbr_demo_dddddd', birthDate: '1993-11-28', deceased: false },
  { memberId: 'mbr_demo_eeeeee', deceased: false },
  { memberId: 'mbr_demo_ffffff', birthDate: '1957-07-01', deceased: false },
  { memberId: 'mbr_demo_gggggg', birthDate: '1985-02-03', deceased: false },
];

describe('the demo cohort plan', () => {
  const groups = demoGroups(NOW);

  it('forms groups the demo facilitator leads, each with sessions already held, two of them with the course over', () => {
    expect(groups.map((group) => group.groupId)).toEqual([
      'grp_demo_tuesday_evening',
      'grp_demo_thursday_online',
      'grp_demo_saturday_online',
    ]);
    for (const group of groups) {
      expect(group.details.facilitatorIds).toEqual([DEMO_FACILITATOR]);
      expect(Date.parse(String(group.details['firstSessionAt']))).toBeLessThan(NOW.getTime() - 7 * 86_400_000);
    }
    expect(demoGroups(NOW)).toEqual(groups);
  });

  it('enrols living adults only, with an age as of now: the overloaded member in the running group, the others in turn over the finished courses, every other one attending fully', () => {
    const { members, leftOut } = demoMembers(
      [...candidates, { memberId: 'mbr_demo_hhhhhh', birthDate: '1990-01-01', deceased: false }],
      groups,
      NOW,
    );
    expect(leftOut).toEqual({ deceased: 1, notAdult: 2 });
    expect(members.map((member) => [member.memberId, member.age, member.groupId, member.attendsFully])).toEqual([
      ['mbr_demo_aaaaaa', 53, 'grp_demo_tuesday_evening', true],
      ['mbr_demo_dddddd', 32, 'grp_demo_saturday_online', false],
      ['mbr_demo_ffffff', 69, 'grp_demo_tuesday_evening', true],
      ['mbr_demo_gggggg', 41, 'grp_demo_thursday_online', false],
      ['mbr_demo_hhhhhh', 36, 'grp_demo_saturday_online', false],
    ]);
    expect(members[OVERLOAD_MEMBER_INDEX]!.groupId).toBe('grp_demo_thursday_online');
  });

  it('gives a whole course at least the dose to members who attend fully, and fewer sessions to the others', () => {
    const held = Array.from({ length: 8 }, (_, n) => ({
      sessionId: `ses_${n}`,
      startsAt: `2026-10-0${n + 1}T17:00:00.000Z`,
    }));
    const attended = (records: { body: { status: string } }[]) =>
      records.filter((record) => record.body.status.startsWith('attended')).length;
    for (const modality of ['hybrid', 'online'] as const) {
      for (let index = 0; index < 10; index++) {
        const member = {
          memberId: `mbr_demo_${index}`,
          index,
          age: 40,
          birthYear: 1986,
          groupId: 'grp',
          referralId: stableUuid(`r${index}`),
        };
        expect(attended(attendanceOf({ ...member, attendsFully: true }, modality, held))).toBeGreaterThanOrEqual(
          DOSE_SESSIONS,
        );
        expect(attended(attendanceOf({ ...member, attendsFully: false }, modality, held))).toBeLessThan(DOSE_SESSIONS);
      }
    }
  });

  it('scores the end of a course only once it has ended, and before now', () => {
    const { members } = demoMembers(candidates, groups, NOW);
    const firstOf = (groupId: string) =>
      String(groups.find((group) => group.groupId === groupId)!.details['firstSessionAt']);
    for (const member of members) {
      const ends = measuresOf(member, firstOf(member.groupId), NOW).filter((m) => m.point === 'end');
      expect(ends.map((m) => m.instrument)).toEqual(
        member.groupId === 'grp_demo_thursday_online' ? [] : ['phq-9', 'gad-7'],
      );
      expect(ends.every((m) => Date.parse(m.administeredAt) < NOW.getTime())).toBe(true);
    }
  });

  it('derives every id from a stable seed, so sending the plan again is recognised', () => {
    const first = demoMembers(candidates, groups, NOW).members;
    const again = demoMembers(candidates, groups, new Date(NOW.getTime() + 3_600_000)).members;
    expect(again.map((member) => member.referralId)).toEqual(first.map((member) => member.referralId));
    expect(new Set(first.map((member) => member.referralId)).size).toBe(first.length);
    expect(first.every((member) => UUID.test(member.referralId))).toBe(true);
    expect(stableUuid('x')).toBe(stableUuid('x'));
    expect(stableUuid('x')).not.toBe(stableUuid('y'));
  });

  it('refers with screening facts that place a member in a general group, and shares no birth date', () => {
    const [member] = demoMembers(candidates, groups, NOW).members;
    const referral = referralOf(member!);
    expect(referral.screeningFacts).toMatchObject({
      age: 53,
      phq9: { item9: 0 },
      suicidalOrHomicidalIntent: false,
      ptsdDiagnosis: false,
    });
    expect(referral.screeningFacts.gad7).toBeLessThan(15);
    expect(careTeamOf(member!).profile.birthDate).toBe('1973-01-01');
  });

  it('records one attendance per held session, in person only in the hybrid group', () => {
    const { members } = demoMembers(candidates, groups, NOW);
    const held = [1, 2, 3].map((n) => ({ sessionId: `ses_${n}`, startsAt: `2026-11-0${n}T17:00:00.000Z` }));
    const hybrid = attendanceOf(members[0]!, 'hybrid', held);
    const online = attendanceOf(members[1]!, 'online', held);
    expect(hybrid.map((record) => record.sessionId)).toEqual(['ses_1', 'ses_2', 'ses_3']);
    expect(hybrid.some((record) => record.body.status === 'attended-in-person')).toBe(true);
    expect(online.some((record) => record.body.status === 'attended-in-person')).toBe(false);
  });

  it('scores baselines for all, a mid-course PHQ-9 for some, and one member worse by the meaningful change', () => {
    const { members } = demoMembers(candidates, groups, NOW);
    const first = String(groups[0]!.details['firstSessionAt']);
    const byMember = members.map((member) => measuresOf(member, first, NOW));
    for (const measures of byMember)
      expect(measures.filter((m) => m.point === 'baseline').map((m) => m.instrument)).toEqual(['phq-9', 'gad-7']);
    const worse = byMember[DETERIORATING_MEMBER_INDEX]!;
    const phq9 = (point: string) => worse.find((m) => m.instrument === 'phq-9' && m.point === point)!.total;
    expect(phq9('mid-course') - phq9('baseline')).toBe(5);
    expect(byMember.flat().every((m) => m.total >= 0 && m.total <= (m.instrument === 'phq-9' ? 27 : 21))).toBe(true);
    expect(measuresOf(members[0]!, first, NOW)).toEqual(byMember[0]); // the same again: outcomes sees a repeat, not a conflict
    expect(worse.every((m) => Date.parse(m.administeredAt) < NOW.getTime())).toBe(true);
  });

  it('answers item 9 above 0 for one member only, on a mid-course PHQ-9', () => {
    const members = Array.from({ length: 6 }, (_, index) => ({
      memberId: `mbr_demo_${index}`,
      index,
      age: 40,
      birthYear: 1986,
      groupId: 'grp',
      referralId: stableUuid(`r${index}`),
    }));
    const answered = members.flatMap((member) =>
      measuresOf(member, '2026-11-01T17:00:00.000Z', NOW)
        .filter((m) => (m.item9 ?? 0) > 0)
        .map((m) => [member.index, m.point]),
    );
    expect(answered).toEqual([[ITEM9_MEMBER_INDEX, 'mid-course']]);
  });

  it('books three contacts within the week after a group session: four structured contacts in seven days', () => {
    const member = {
      memberId: 'mbr_demo_overload',
      index: OVERLOAD_MEMBER_INDEX,
      age: 40,
      birthYear: 1986,
      groupId: 'grp',
      referralId: stableUuid('r'),
    };
    const session = '2026-12-01T17:00:00.000Z';
    const contacts = overloadContactsOf(member, session);
    const starts = [session, ...contacts.map((contact) => contact.start)].map(Date.parse);
    expect(Math.max(...starts) - Math.min(...starts)).toBeLessThan(7 * 86_400_000);
    expect(contacts.map((contact) => contact.kind).sort()).toEqual(['cbt', 'cbt', 'psychiatry']);
    expect(contacts.every((contact) => Date.parse(contact.end) > Date.parse(contact.start))).toBe(true);
    expect(overloadContactsOf(member, session)).toEqual(contacts); // stable ids: booking again is harmless
  });

  it('generates synthetic adults with invented names when no Synthea data is there', () => {
    const patients = generatedPatients(8, NOW);
    const resources = patients.map(
      (patient) => (patient.bundle as { entry: { resource: Record<string, unknown> }[] }).entry[0]!.resource,
    );
    expect(resources.every((resource) => resource['resourceType'] === 'Patient')).toBe(true);
    // The console shows names: each stand-in has one, made up, and no two of the first eight share one.
    const names = resources.map((resource) => {
      const [name] = resource['name'] as { given: string[]; family: string }[];
      return `${name!.given.join(' ')} ${name!.family}`;
    });
    expect(names[0]).toBe('Ana Ruiz');
    expect(new Set(names).size).toBe(8);
    expect(new Set(resources.map((resource) => resource['id'])).size).toBe(8);
    const { members, leftOut } = demoMembers(
      patients.map((patient, i) => ({
        memberId: `mbr_generated_${i}`,
        deceased: patient.deceased,
        ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
      })),
      groups,
      NOW,
    );
    expect(leftOut).toEqual({ deceased: 0, notAdult: 0 });
    expect(members).toHaveLength(8);
  });
});
