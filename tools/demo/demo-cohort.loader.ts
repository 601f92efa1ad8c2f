import { httpJson, waitFor, type JsonResponse } from '@carecircle/platform/testing';
import {
  attendanceOf,
  careTeamOf,
  consentsOf,
  DEMO_FACILITATOR,
  DEMO_PSYCHIATRIST,
  demoGroups,
  DETERIORATING_MEMBER_INDEX,
  ITEM9_MEMBER_INDEX,
  OVERLOAD_MEMBER_INDEX,
  overloadContactsOf,
  PALLIATIVE_MEMBER_INDEX,
  palliativePlanOf,
  demoMembers,
  measuresOf,
  MEDICATION_MEMBER_INDEX,
  medicationStartOf,
  referralOf,
  type CohortCandidate,
  type DemoGroup,
  type DemoMember,
  type HeldSession,
} from './demo-cohort.plan';
import type { DemoPatient } from './demo-patients';

export interface DemoCohortTarget {
  urls: { gateway: string; enrollment: string; scheduling: string; clinicianLiaison: string; outcomes: string };
  /** Access tokens of the local SMART client: for the gateway, or for one service (`resource`, its audience). */
  token: (resource?: string) => Promise<string>;
  /** The local client's id: the agent of its FHIR ingests in the audit trail. */
  clientId: string;
  patients: readonly DemoPatient[];
  /** `Synthea` or `generated`: named in the progress line. */
  patientsLabel: string;
  now: () => Date;
  log: (line: string) => void;
  /** Bound of each wait for a service to learn something over Kafka. */
  waitMs?: number;
}

export interface DemoCohortResult {
  status: 'loaded' | 'already-loaded' | 'failed';
  members: string[];
  /** The member whose medication start raised the demo alert (open their timeline in the UI). */
  alertMemberId?: string;
}

const FHIR_JSON = 'application/fhir+json';

/**
 * Loads the demo cohort into the running services, a step at a time with a progress line each:
 * Synthea (or generated) patients through the gateway's FHIR ingest, groups in scheduling, referral,
 * screening, consents and enrolment in enrollment, care teams in clinician-liaison, attendance, scores,
 * and a medication start that raises an alert. A failed step is printed with its reason; the load
 * goes on where the rest does not depend on it, and the system keeps running either way.
 */
export async function loadDemoCohort(target: DemoCohortTarget): Promise<DemoCohortResult> {
  const api = apiOf(target);
  const log = (line: string) => target.log(`demo cohort: ${line}`);
  const now = target.now();
  const groups = demoGroups(now);

  const loadedBefore = await alreadyLoaded(api, groups).catch(() => undefined);
  if (loadedBefore) {
    log(`already loaded (${groups.length} groups, ${loadedBefore} alerts for ${DEMO_PSYCHIATRIST}); nothing sent`);
    return { status: 'already-loaded', members: [] };
  }

  const candidates = await step(log, 'FHIR ingest', () => ingestPatients(api, target, log));
  if (!candidates?.length) {
    log('no members to enrol: the rest of the demo cohort is skipped');
    return { status: 'failed', members: [] };
  }
  const { members, leftOut } = demoMembers(candidates, groups, now);
  const knownGroups = await step(log, 'groups', async () => {
    const formed = await formGroups(api, groups);
    await waitFor(
      async () =>
        (
          await Promise.all(
            groups.map(
              async (group) => (await api.enrollment.get(`/api/enrollment/groups/${group.groupId}`)).status === 200,
            ),
          )
        ).every(Boolean),
      {
        timeoutMs: target.waitMs ?? 60_000,
        intervalMs: 250,
        description: "enrollment's catalogue to learn the demo groups from scheduling (GroupFormed over Kafka)",
      },
    );
    log(
      `${groups.length} groups formed in scheduling (${formed} new), facilitated by ${DEMO_FACILITATOR}, known to enrollment`,
    );
    return true;
  });
  if (!knownGroups) return { status: 'failed', members: [] };

  const enrolled = (await step(log, 'enrolment', () => enrolMembers(api, members, now, leftOut, log))) ?? [];
  await step(log, 'care teams', () => assignCareTeams(api, enrolled, log));
  await step(log, 'attendance', () => recordAttendance(api, groups, enrolled, now, target.waitMs ?? 60_000, log));
  await step(log, 'scores', () => recordScores(api, groups, enrolled, now, log));
  const alertMember = enrolled.find((member) => member.index === MEDICATION_MEMBER_INDEX);
  if (alertMember)
    await step(log, 'medication change', () =>
      startMedication(api, alertMember, enrolled, target.waitMs ?? 60_000, log),
    );
  await step(log, 'coordination', () => coordinate(api, enrolled, now, target.waitMs ?? 60_000, log));
  return {
    status: 'loaded',
    members: enrolled.map((member) => member.memberId),
    ...(alertMember ? { alertMemberId: alertMember.memberId } : {}),
  };
}

type Api = ReturnType<typeof apiOf>;

/** JSON clients of the gateway and the four services, each call with a fresh-enough bearer token. */
export function apiOf(target: Pick<DemoCohortTarget, 'urls' | 'token' | 'clientId'>) {
  const client = (base: string, resource?: string) => {
    const json = httpJson(base);
    const auth = async (headers: Record<string, string> = {}) => ({
      authorization: `Bearer ${await target.token(resource)}`,
      ...headers,
    });
    return {
      get: async <T = Record<string, unknown>>(path: string) => json.get<T>(path, await auth()),
      post: async <T = Record<string, unknown>>(path: string, body: unknown, headers?: Record<string, string>) =>
        json.post<T>(path, body, await auth(headers)),
      put: async <T = Record<string, unknown>>(path: string, body: unknown) => json.put<T>(path, body, await auth()),
    };
  };
  return {
    gateway: client(target.urls.gateway),
    enrollment: client(target.urls.enrollment, 'carecircle-enrollment'),
    scheduling: client(target.urls.scheduling, 'carecircle-scheduling'),
    liaison: client(target.urls.clinicianLiaison, 'carecircle-clinician-liaison'),
    outcomes: client(target.urls.outcomes, 'carecircle-outcomes'),
    clientId: target.clientId,
  };
}

/** Runs one step; a failure is printed with its reason and answers undefined. */
async function step<T>(log: (line: string) => void, name: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    log(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function expectStatus(response: JsonResponse<unknown>, expected: readonly number[], what: string): void {
  if (expected.includes(response.status)) return;
  const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? '');
  throw new Error(`${what}: HTTP ${response.status} ${body.slice(0, 300)}`);
}

/** Loaded before when every demo group exists in scheduling and the demo psychiatrist has alerts (the last step's effect). */
async function alreadyLoaded(api: Api, groups: readonly DemoGroup[]): Promise<number | undefined> {
  for (const group of groups)
    if ((await api.scheduling.get(`/api/scheduling/groups/${group.groupId}/calendar`)).status !== 200) return undefined;
  const alerts = await api.liaison.get<unknown[]>(`/api/liaison/clinicians/${DEMO_PSYCHIATRIST}/alerts`);
  return alerts.status === 200 && Array.isArray(alerts.body) && alerts.body.length > 0 ? alerts.body.length : undefined;
}

interface AuditBundle {
  entry?: {
    resource: {
      action?: string;
      outcome?: string;
      agent?: { who?: { identifier?: { value?: string } } }[];
      entity?: { what?: { identifier?: { system?: string; value?: string } } }[];
    };
  }[];
}

/**
 * Posts each patient's Bundle through `POST /fhir/R4` and learns the member id the gateway gave it.
 * The ingest answer names no member, so the id comes from the audit trail's record of that very
 * ingest (the newest one by this client: the Bundles go one at a time).
 */
export async function ingestPatients(
  api: Api,
  target: Pick<DemoCohortTarget, 'patients' | 'patientsLabel'>,
  log: (line: string) => void,
): Promise<CohortCandidate[]> {
  const candidates: CohortCandidate[] = [];
  const failures: string[] = [];
  for (const [index, patient] of target.patients.entries()) {
    const response = await api.gateway.post('/fhir/R4', patient.bundle, { 'content-type': FHIR_JSON });
    if (response.status !== 200) {
      failures.push(`${patient.source}: HTTP ${response.status}`);
      continue;
    }
    const memberId = await ingestedMember(api);
    if (!memberId) {
      failures.push(`${patient.source}: no member id in the audit trail`);
      continue;
    }
    candidates.push({
      memberId,
      deceased: patient.deceased,
      ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
    });
    if ((index + 1) % 5 === 0 && index + 1 < target.patients.length)
      log(`${index + 1}/${target.patients.length} ${target.patientsLabel} patients through FHIR…`);
  }
  log(
    `${candidates.length}/${target.patients.length} ${target.patientsLabel} patients through FHIR (POST /fhir/R4)${failures.length ? `; failed: ${failures.join(', ')}` : ''}`,
  );
  return candidates;
}

async function ingestedMember(api: Api): Promise<string | undefined> {
  const audit = await api.gateway.get<AuditBundle>('/admin/audit-events?_count=20');
  expectStatus(audit, [200], 'reading the audit trail');
  const ingest = (audit.body.entry ?? [])
    .map((entry) => entry.resource)
    .find(
      (event) =>
        event.action === 'E' &&
        event.outcome === '0' &&
        event.agent?.some((agent) => agent.who?.identifier?.value === api.clientId),
    );
  return ingest?.entity
    ?.map((entity) => entity.what?.identifier)
    .find((identifier) => identifier?.system === 'urn:carecircle:member')?.value;
}

/** Forms the groups scheduling does not know yet; answers how many it formed. */
async function formGroups(api: Api, groups: readonly DemoGroup[]): Promise<number> {
  let formed = 0;
  for (const group of groups) {
    if ((await api.scheduling.get(`/api/scheduling/groups/${group.groupId}/calendar`)).status === 200) continue;
    expectStatus(await api.scheduling.post('/api/scheduling/groups', group.details), [202], `forming ${group.groupId}`);
    formed++;
  }
  return formed;
}

async function enrolMembers(
  api: Api,
  members: readonly DemoMember[],
  now: Date,
  leftOut: { deceased: number; notAdult: number },
  log: (line: string) => void,
): Promise<DemoMember[]> {
  const enrolled: DemoMember[] = [];
  const failures: string[] = [];
  for (const member of members) {
    try {
      expectStatus(await api.enrollment.post('/api/enrollment/referrals', referralOf(member)), [202], 'referral');
      for (const consent of consentsOf(now))
        expectStatus(
          await api.enrollment.post(`/api/enrollment/referrals/${member.referralId}/consents`, consent),
          [202],
          `${consent.kind} consent`,
        );
      expectStatus(
        await api.enrollment.post(`/api/enrollment/groups/${member.groupId}/enrolments`, {
          referralId: member.referralId,
        }),
        [202],
        'enrolment',
      );
      enrolled.push(member);
    } catch (error) {
      failures.push(`${member.memberId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const left = [
    leftOut.deceased ? `${leftOut.deceased} deceased in the simulation` : '',
    leftOut.notAdult ? `${leftOut.notAdult} not adults` : '',
  ].filter(Boolean);
  log(
    `${enrolled.length} members referred, screened, consented and enrolled${left.length ? ` (left out: ${left.join(', ')})` : ''}${failures.length ? `; failed: ${failures.join('; ')}` : ''}`,
  );
  return enrolled;
}

async function assignCareTeams(api: Api, members: readonly DemoMember[], log: (line: string) => void): Promise<void> {
  for (const member of members) {
    const team = careTeamOf(member);
    expectStatus(
      await api.liaison.put(`/api/liaison/members/${member.memberId}/profile`, team.profile),
      [200],
      'member profile',
    );
    for (const assignment of team.assignments)
      expectStatus(
        await api.liaison.put(`/api/liaison/members/${member.memberId}/care-team`, assignment),
        [200],
        `care team (${assignment.role})`,
      );
  }
  log(
    `${members.length} care teams in clinician-liaison (${DEMO_PSYCHIATRIST} as psychiatrist, ${DEMO_FACILITATOR} as facilitator)`,
  );
}

interface Calendar {
  sessions: { sessionId: string; startsAt: string; status: string }[];
}

/** Waits until scheduling's rosters show the enrolments (MemberEnrolled over Kafka), then records the held sessions' attendance. */
async function recordAttendance(
  api: Api,
  groups: readonly DemoGroup[],
  members: readonly DemoMember[],
  now: Date,
  waitMs: number,
  log: (line: string) => void,
): Promise<void> {
  for (const group of groups) {
    const expected = members.filter((member) => member.groupId === group.groupId).map((member) => member.memberId);
    await waitFor(
      async () => {
        const roster = await api.scheduling.get<{ members: { memberId: string }[] }>(
          `/api/scheduling/groups/${group.groupId}/roster`,
        );
        const onRoster = new Set(roster.status === 200 ? roster.body.members.map((member) => member.memberId) : []);
        return expected.every((memberId) => onRoster.has(memberId));
      },
      {
        timeoutMs: waitMs,
        intervalMs: 250,
        description: `scheduling's roster of ${group.groupId} to learn its ${expected.length} enrolments (MemberEnrolled over Kafka)`,
      },
    );
  }
  let records = 0;
  let heldSessions = 0;
  for (const group of groups) {
    const calendar = await api.scheduling.get<Calendar>(`/api/scheduling/groups/${group.groupId}/calendar`);
    expectStatus(calendar, [200], `calendar of ${group.groupId}`);
    const held: HeldSession[] = calendar.body.sessions.filter(
      (session) => session.status === 'scheduled' && Date.parse(session.startsAt) <= now.getTime(),
    );
    heldSessions += held.length;
    for (const member of members.filter((m) => m.groupId === group.groupId)) {
      for (const record of attendanceOf(member, group.details.modality, held)) {
        expectStatus(
          await api.scheduling.post(
            `/api/scheduling/groups/${group.groupId}/sessions/${record.sessionId}/attendance`,
            record.body,
          ),
          [202],
          'attendance',
        );
        records++;
      }
    }
  }
  log(`${records} attendance records over ${heldSessions} held sessions`);
}

/** Baselines fall before each group's first session as scheduling has it (a re-run may plan another date). */
async function recordScores(
  api: Api,
  groups: readonly DemoGroup[],
  members: readonly DemoMember[],
  now: Date,
  log: (line: string) => void,
): Promise<void> {
  const firstSession = new Map<string, string>();
  for (const group of groups) {
    const calendar = await api.scheduling.get<Calendar>(`/api/scheduling/groups/${group.groupId}/calendar`);
    expectStatus(calendar, [200], `calendar of ${group.groupId}`);
    firstSession.set(group.groupId, calendar.body.sessions[0]?.startsAt ?? String(group.details['firstSessionAt']));
  }
  let scores = 0;
  let ends = 0;
  for (const member of members) {
    for (const measure of measuresOf(member, firstSession.get(member.groupId)!, now)) {
      expectStatus(
        await api.outcomes.post(`/api/outcomes/members/${member.memberId}/measures`, measure),
        [202],
        `${measure.instrument} ${measure.point}`,
      );
      scores++;
      if (measure.point === 'end') ends++;
    }
  }
  log(
    `${scores} scores (PHQ-9 and GAD-7 at baseline and, for ${ends / 2} members whose course has ended, at its end; PHQ-9 mid-course; one member worse by 5)`,
  );
}

/**
 * The demo alert: an SSRI started while the member attends a group. Waits (bounded) until liaison has
 * alerted the psychiatrist about it, and about the worsening PHQ-9 (outcomes → Kafka → liaison).
 */
async function startMedication(
  api: Api,
  member: DemoMember,
  members: readonly DemoMember[],
  waitMs: number,
  log: (line: string) => void,
): Promise<void> {
  expectStatus(
    await api.liaison.post(`/api/liaison/members/${member.memberId}/medications`, medicationStartOf(member)),
    [202],
    'medication start',
  );
  const cohort = new Set(members.map((m) => m.memberId));
  const expected = [member, ...members.filter((m) => m.index === DETERIORATING_MEMBER_INDEX)].map((m) => m.memberId);
  const alertsAbout = async () => {
    const inbox = await api.liaison.get<{ memberId?: string }[]>(`/api/liaison/clinicians/${DEMO_PSYCHIATRIST}/alerts`);
    return inbox.status === 200 && Array.isArray(inbox.body)
      ? inbox.body.filter((alert) => alert.memberId !== undefined && cohort.has(alert.memberId))
      : [];
  };
  // Liaison judges the start when it arrives and again when it learns of the enrolment, whichever comes last.
  const alerts = await waitFor(
    async () => {
      const found = await alertsAbout();
      return expected.every((memberId) => found.some((alert) => alert.memberId === memberId)) ? found : undefined;
    },
    {
      timeoutMs: waitMs,
      intervalMs: 250,
      description: `clinician-liaison to alert ${DEMO_PSYCHIATRIST} about the antidepressant start and the worsening PHQ-9`,
    },
  );
  log(
    `${alerts.length} alert${alerts.length === 1 ? '' : 's'} for ${DEMO_PSYCHIATRIST} (antidepressant started while in a group, worsening PHQ-9)`,
  );
}

/**
 * The coordination the rules exist for, one member each: an item-9 answer (sent with the scores), a week
 * over the therapeutic-load cap, and a palliative plan. Waits (bounded) until liaison has alerted on each.
 */
async function coordinate(
  api: Api,
  members: readonly DemoMember[],
  now: Date,
  waitMs: number,
  log: (line: string) => void,
): Promise<void> {
  const memberAt = (index: number) => members.find((member) => member.index === index);
  const expected: { member: DemoMember; rule: string; label: string }[] = [];
  const item9 = memberAt(ITEM9_MEMBER_INDEX);
  if (item9) expected.push({ member: item9, rule: 'suicidal-ideation', label: 'PHQ-9 item 9, same-day evaluation' });
  const overloaded = memberAt(OVERLOAD_MEMBER_INDEX);
  if (overloaded) {
    const calendar = await api.scheduling.get<Calendar>(`/api/scheduling/groups/${overloaded.groupId}/calendar`);
    expectStatus(calendar, [200], `calendar of ${overloaded.groupId}`);
    const next = calendar.body.sessions.find(
      (session) => session.status === 'scheduled' && Date.parse(session.startsAt) > now.getTime(),
    );
    if (next) {
      for (const contact of overloadContactsOf(overloaded, next.startsAt)) {
        expectStatus(
          await api.scheduling.post(`/api/scheduling/members/${overloaded.memberId}/contacts`, contact),
          [202],
          `${contact.kind} contact`,
        );
      }
      expected.push({ member: overloaded, rule: 'therapeutic-overload', label: 'therapeutic overload' });
    }
  }
  const palliative = memberAt(PALLIATIVE_MEMBER_INDEX);
  if (palliative) {
    expectStatus(
      await api.liaison.post(
        `/api/liaison/members/${palliative.memberId}/palliative-plans`,
        palliativePlanOf(palliative),
      ),
      [202],
      'palliative plan',
    );
    expected.push({ member: palliative, rule: 'palliative-transition', label: 'palliative transition' });
  }
  const rulesAlerted = async (memberId: string) => {
    const alerts = await api.liaison.get<{ rule?: string }[]>(`/api/liaison/members/${memberId}/alerts`);
    return new Set(alerts.status === 200 && Array.isArray(alerts.body) ? alerts.body.map((alert) => alert.rule) : []);
  };
  await waitFor(
    async () =>
      (
        await Promise.all(expected.map(async ({ member, rule }) => (await rulesAlerted(member.memberId)).has(rule)))
      ).every(Boolean),
    {
      timeoutMs: waitMs,
      intervalMs: 250,
      description: `clinician-liaison to alert on ${expected.map(({ label }) => label).join(', ')}`,
    },
  );
  log(`coordination alerts: ${expected.map(({ member, label }) => `${label} (${member.memberId})`).join('; ')}`);
}
