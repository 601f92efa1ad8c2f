import { randomUUID } from 'node:crypto';
import {
  ELIGIBLE_SCREENING_FACTS,
  groupDetails,
  groupIdsFor,
  httpJson,
  waitForCatalogue,
  type Enrolment,
} from '@carecircle/platform/testing';
import type { FaultSystem } from './fault-system';

/** Commands per member: referral, two consents, enrolment (enrollment), a distress report (clinician-liaison). */
export const COMMANDS_PER_MEMBER = 5;
const REPORTER = 'clin_faults_psy_01';

export interface LoadResult {
  /** Commands answered 202. */
  accepted: number;
  enrolments: Enrolment[];
  /** Members whose distress report was accepted: each must raise exactly one alert and one webhook. */
  distressReported: string[];
  /** Members whose flow never completed within the retry budget, with the last answer. */
  failed: { memberId: string; error: string }[];
}

/** Forms the groups in scheduling and waits until enrollment's catalogue has them all. */
export async function prepareGroups(system: FaultSystem, label: string, members: number): Promise<string[]> {
  const groupIds = groupIdsFor(label, members);
  for (const groupId of groupIds) {
    const response = await httpJson(() => system.url('scheduling')).post('/api/scheduling/groups', {
      ...groupDetails(groupId),
      facilitatorIds: ['fac_faults_01'],
    });
    if (response.status !== 202) throw new Error(`form ${groupId}: HTTP ${response.status}`);
  }
  await waitForCatalogue(() => system.url('enrollment'), groupIds, 120_000);
  return groupIds;
}

/**
 * Takes `members` members through the care flow with `concurrency` workers. Each command is retried with
 * the same ids (so it is the same command) while the system answers 5xx or not at all, as a client
 * would; the distress report is retried while clinician-liaison has not yet learnt the enrolment
 * (404/422). Counts a command once, when it is answered 202.
 */
export async function runLoad(
  system: FaultSystem,
  label: string,
  groupIds: readonly string[],
  members: number,
  options: { concurrency: number; retryBudgetMs: number; onProgress?: (done: number) => void },
): Promise<LoadResult> {
  const result: LoadResult = { accepted: 0, enrolments: [], distressReported: [], failed: [] };
  let next = 0;
  let done = 0;
  const send = async (service: 'enrollment' | 'clinician-liaison', path: string, body: unknown, retryOn: number[]) => {
    const deadline = Date.now() + options.retryBudgetMs;
    let last = '';
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await httpJson(() => system.url(service), { 'x-clinician-id': REPORTER }).post(path, body);
        if (response.status === 202) {
          result.accepted++;
          return;
        }
        last = `HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
        if (response.status < 500 && !retryOn.includes(response.status)) throw new Error(last);
      } catch (error) {
        if (error instanceof Error && error.message === last) throw error;
        last = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      if (Date.now() > deadline) throw new Error(`gave up after ${attempt + 1} attempts: ${last}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** attempt)));
    }
  };
  const flow = async (index: number) => {
    const memberId = `mbr_faults_${label}_${String(index).padStart(5, '0')}`;
    const groupId = groupIds[index % groupIds.length]!;
    const referralId = randomUUID();
    await send(
      'enrollment',
      '/api/enrollment/referrals',
      {
        referralId,
        memberId,
        referringClinicianId: REPORTER,
        wantedGroupType: 'general-emotional-support',
        modalityPreference: 'online',
        memberRole: 'patient',
        screeningFacts: ELIGIBLE_SCREENING_FACTS,
      },
      [],
    );
    for (const kind of ['treatment', 'confidentiality-agreement'])
      await send(
        'enrollment',
        `/api/enrollment/referrals/${referralId}/consents`,
        {
          kind,
          agreementVersion: '2026-01',
          sharingScope: ['psychiatrist'],
          recordedBy: 'staff_faults_01',
          signedAt: '2026-01-05T10:00:00.000Z',
        },
        [],
      );
    await send('enrollment', `/api/enrollment/groups/${groupId}/enrolments`, { referralId }, []);
    result.enrolments.push({ memberId, groupId });
    await send(
      'clinician-liaison',
      `/api/liaison/members/${memberId}/distress-reports`,
      { reportId: `dr_${label}_${index}`, groupId, observedAt: new Date(Date.now() - 60_000).toISOString() },
      [403, 404, 422],
    );
    result.distressReported.push(memberId);
  };
  const worker = async () => {
    while (next < members) {
      const index = next++;
      try {
        await flow(index);
      } catch (error) {
        result.failed.push({
          memberId: `mbr_faults_${label}_${index}`,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      options.onProgress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, members) }, worker));
  return result;
}
