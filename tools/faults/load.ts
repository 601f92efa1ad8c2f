import { randomUUID } from 'node:crypto';
import {
  ELIGIBLE_SCREENING_FACTS,
  groupDetails,
  groupIdsFor,
  httpJson,
  waitForCatalogue,
  type JsonResponse,
  type Enrolment,
} from '@carecircle/platform/testing';
import { putTransaction } from '../../apps/gateway/src/testing/fhir-bundles';
import type { FaultSystem } from './fault-system';

/**
 * Commands per member: referral, two consents, enrolment (enrollment), a distress report
 * (clinician-liaison), a PHQ-9 recorded in outcomes, and a PHQ-9 Observation the EHR sends the gateway.
 */
export const COMMANDS_PER_MEMBER = 7;
const REPORTER = 'clin_faults_psy_01';
const LOINC = 'http://loinc.org';

/** One accepted command, by the correlation id it was sent with (the same on every retry). */
export interface AcceptedCommand {
  correlationId: string;
  /** What it was, for a report of what was lost: `referral`, `consent`, `measure`, `observation`… */
  kind: string;
}

export interface LoadResult {
  /** Commands answered 202. */
  accepted: number;
  enrolments: Enrolment[];
  /** Members whose distress report was accepted: each must raise exactly one alert and one webhook. */
  distressReported: string[];
  /** Every accepted command: each reaches the gateway's care timeline with its correlation id. */
  commands: AcceptedCommand[];
  /** Measure ids recorded in outcomes: each reaches outcomes' cohort read model. */
  measureIds: string[];
  /** Correlation ids of the Observations the gateway took in: each becomes a measure in outcomes' read model. */
  observations: string[];
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
  const result: LoadResult = {
    accepted: 0,
    enrolments: [],
    distressReported: [],
    commands: [],
    measureIds: [],
    observations: [],
    failed: [],
  };
  let next = 0;
  let done = 0;
  /** The EHR's FHIR goes to the gateway with its SMART token (renewed after a 401), the rest as staff. */
  const headersFor = async (
    service: 'enrollment' | 'clinician-liaison' | 'outcomes' | 'gateway',
    renew: boolean,
  ): Promise<Record<string, string>> =>
    service === 'gateway'
      ? { authorization: `Bearer ${await system.gatewayToken(renew)}`, 'content-type': 'application/fhir+json' }
      : { 'x-clinician-id': REPORTER };
  const send = async (
    service: 'enrollment' | 'clinician-liaison' | 'outcomes' | 'gateway',
    kind: string,
    path: string,
    body: unknown,
    retryOn: number[],
  ): Promise<string> => {
    const deadline = Date.now() + options.retryBudgetMs;
    const correlationId = `faults-${kind}-${randomUUID()}`;
    const accepted = service === 'gateway' ? 200 : 202;
    let last = '';
    let renewToken = false;
    for (let attempt = 0; ; attempt++) {
      try {
        const headers: Record<string, string> = {
          ...(await headersFor(service, renewToken)),
          'x-correlation-id': correlationId,
        };
        const response: JsonResponse = await httpJson(() => system.url(service), headers).post(path, body);
        renewToken = response.status === 401;
        if (response.status === accepted) {
          result.accepted++;
          result.commands.push({ correlationId, kind });
          return correlationId;
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
      'referral',
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
        'consent',
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
    await send('enrollment', 'enrolment', `/api/enrollment/groups/${groupId}/enrolments`, { referralId }, []);
    result.enrolments.push({ memberId, groupId });
    await send(
      'clinician-liaison',
      'distress-report',
      `/api/liaison/members/${memberId}/distress-reports`,
      { reportId: `dr_${label}_${index}`, groupId, observedAt: new Date(Date.now() - 60_000).toISOString() },
      [403, 404, 422],
    );
    result.distressReported.push(memberId);
    const measureId = randomUUID();
    await send(
      'outcomes',
      'measure',
      `/api/outcomes/members/${memberId}/measures`,
      {
        measureId,
        instrument: 'phq-9',
        total: 12,
        item9: 0,
        point: 'baseline',
        administeredAt: new Date(Date.now() - 60_000).toISOString(),
        administeredBy: REPORTER,
        groupId,
      },
      [403, 404],
    );
    result.measureIds.push(measureId);
    // The EHR's own patient (the gateway gives it a member id of its own): a PHQ-9 total outcomes takes in.
    const patientId = `faults-${label.replace(/_/g, '-')}-${index}`;
    result.observations.push(
      await send('gateway', 'observation', '/fhir/R4', observationBundle(patientId), [401, 429]),
    );
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

/** A transaction Bundle: the EHR's Patient and its PHQ-9 total (LOINC 44261-6), which outcomes records. */
function observationBundle(patientId: string) {
  const resources = [
    { resourceType: 'Patient', id: patientId, active: true, birthDate: '1980-04-02' },
    {
      resourceType: 'Observation',
      id: `${patientId}-phq9`,
      status: 'final',
      category: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] },
      ],
      code: { coding: [{ system: LOINC, code: '44261-6' }] },
      subject: { reference: `Patient/${patientId}` },
      effectiveDateTime: new Date(Date.now() - 60_000).toISOString(),
      valueInteger: 9,
    },
  ];
  return putTransaction(...resources);
}
