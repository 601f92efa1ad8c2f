import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { waitFor } from '@carecircle/platform/testing';
import { FHIR_JSON_TYPE } from './gateway-harness';
import type { StandInEhr } from './stand-in-ehr';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const SNOMED = 'http://snomed.info/sct';
const PSYCHIATRIST_ROLE = '80584001';
/** What rule 3 (opioid with a CNS depressant) says on the card; the attending psychiatrist is one of its recipients. */
export const OPIOID_BENZODIAZEPINE_CARD = /^Opioid with lorazepam/;

/** The SMART backend scopes the EHR writes with. */
export const EHR_WRITE_SCOPE = 'system/Patient.cu system/CareTeam.cu system/MedicationRequest.cu';

export interface OrderToCardOptions {
  gatewayBase: string;
  ehr: StandInEhr;
  /** The EHR's SMART backend client (registered at the gateway with the EHR's JWKS and `EHR_WRITE_SCOPE`). */
  backendClientId: string;
  /** clinician-liaison's database: the bench waits there for the members' standing orders before timing anything. */
  liaisonDatabaseUrl: string;
  /** Calls patient-view for an EHR patient with a fresh CDS Hooks JWT; resolves to the answer's card summaries. */
  patientView(patientId: string): Promise<{ status: number; summaries: string[] }>;
  orders: number;
  /** Between patient-view calls while the card is not there yet. */
  pollMs: number;
  /** An order whose card has not appeared by then fails the bench. */
  timeoutMs: number;
}

export interface OrderToCardTimings {
  /** Milliseconds from the start of each POST to the first patient-view answer that carried its card. */
  orderToCardMs: number[];
  /** Milliseconds of each POST alone (to the end of its answer). */
  postMs: number[];
  /** patient-view calls made while waiting, all orders together. */
  polls: number;
  /** Wall-clock start of each POST (ms since the epoch), for `orderStages`. */
  postedAt: number[];
}

/** Synthetic, nameless member `index` of a run: each order goes to a member of its own, so each makes a new card. */
const patientId = (run: string, index: number) => `order-pat-${run}-${index}`;

/**
 * "An EHR posts a MedicationRequest → the psychiatrist's CDS card shows it", on an idle system. Beforehand,
 * for each of `orders` new members the EHR sends (SMART backend token, as an EHR does) the Patient, a
 * CareTeam with an attending psychiatrist and a standing lorazepam order, and the run waits until
 * clinician-liaison holds them all (no card yet). Then, one member at a time, the EHR posts an oxycodone
 * order and calls patient-view until the card rule 3 raises for it (opioid with a benzodiazepine: to the
 * prescriber and the attending psychiatrist) is in the answer.
 */
export async function measureOrderToCard(options: OrderToCardOptions): Promise<OrderToCardTimings> {
  const { gatewayBase, ehr, orders } = options;
  const run = randomUUID().slice(0, 8);
  const token = await backendToken(gatewayBase, ehr, options.backendClientId);
  const send = (method: 'PUT' | 'POST', path: string, resource: object) =>
    fetch(`${gatewayBase}/fhir/R4/${path}`, {
      method,
      headers: { 'content-type': FHIR_JSON_TYPE, authorization: `Bearer ${token}` },
      body: JSON.stringify(resource),
    });
  const accepted = async (answer: Promise<Response>, what: string) => {
    const response = await answer;
    const body = await response.text();
    if (response.status >= 300) throw new Error(`${what} answered ${response.status}: ${body.slice(0, 300)}`);
  };

  for (let index = 0; index < orders; index++) {
    const id = patientId(run, index);
    await accepted(send('PUT', `Patient/${id}`, syntheticPatient(id, index)), "a member's Patient");
    await accepted(send('PUT', `CareTeam/ct-${id}`, careTeam(id)), "a member's CareTeam");
    await accepted(send('POST', 'MedicationRequest', order(id, 'lorazepam', '6470', 1, 2)), 'a standing order');
  }
  await waitForStandingOrders(options.liaisonDatabaseUrl, orders);

  const timings: OrderToCardTimings = { orderToCardMs: [], postMs: [], polls: 0, postedAt: [] };
  for (let index = 0; index < orders; index++) {
    const id = patientId(run, index);
    const started = performance.now();
    timings.postedAt.push(Date.now());
    await accepted(send('POST', 'MedicationRequest', order(id, 'oxycodone', '7804', 5, 4)), 'the timed order');
    timings.postMs.push(performance.now() - started);
    for (;;) {
      const answer = await options.patientView(id);
      timings.polls++;
      if (answer.status !== 200) throw new Error(`patient-view answered ${answer.status} while waiting for a card`);
      if (answer.summaries.some((summary) => OPIOID_BENZODIAZEPINE_CARD.test(summary))) break;
      if (performance.now() - started > options.timeoutMs)
        throw new Error(
          `order ${index + 1} of ${orders}: no card for it in patient-view ${options.timeoutMs} ms after the EHR posted it (cards: ${answer.summaries.length})`,
        );
      await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    }
    timings.orderToCardMs.push(performance.now() - started);
  }
  return timings;
}

/** SMART Backend Services: client_credentials with the EHR's own private_key_jwt. */
async function backendToken(gatewayBase: string, ehr: StandInEhr, clientId: string): Promise<string> {
  const tokenUrl = `${gatewayBase}/auth/token`;
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: EHR_WRITE_SCOPE,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await ehr.clientAssertion(clientId, tokenUrl),
    }),
  });
  if (response.status !== 200) throw new Error(`the token endpoint answered ${response.status} to the EHR`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Every member's psychiatrist and lorazepam are in clinician-liaison's coordination streams. */
async function waitForStandingOrders(databaseUrl: string, members: number): Promise<void> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    await waitFor(
      async () => {
        const { rows } = await pg.query<{ ready: string }>(
          `SELECT count(*) AS ready FROM (
             SELECT stream_id FROM event_store.events
              WHERE type IN ('CareTeamMemberAssigned', 'MedicationStarted')
              GROUP BY stream_id HAVING count(DISTINCT type) = 2) AS members`,
        );
        return Number(rows[0]?.ready) >= members;
      },
      {
        timeoutMs: 60_000,
        description: `clinician-liaison to hold ${members} members' psychiatrist and standing order`,
      },
    );
  } finally {
    await pg.end();
  }
}

function syntheticPatient(id: string, index: number) {
  return {
    resourceType: 'Patient',
    id,
    identifier: [{ system: 'urn:stand-in-ehr:mrn', value: `ORD-${id}` }],
    birthDate: `19${60 + (index % 30)}-03-01`,
  };
}

function careTeam(id: string) {
  return {
    resourceType: 'CareTeam',
    id: `ct-${id}`,
    status: 'active',
    subject: { reference: `Patient/${id}` },
    participant: [
      {
        role: [{ coding: [{ system: SNOMED, code: PSYCHIATRIST_ROLE, display: 'Psychiatrist' }] }],
        member: { reference: 'Practitioner/order-psy-1' },
      },
    ],
  };
}

function order(id: string, name: string, rxnorm: string, mg: number, perDay: number) {
  return {
    resourceType: 'MedicationRequest',
    id: `${name}-${id}`,
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: { coding: [{ system: RXNORM, code: rxnorm, display: name }] },
    subject: { reference: `Patient/${id}` },
    requester: { reference: 'Practitioner/order-prescriber-1' },
    authoredOn: new Date().toISOString().slice(0, 10),
    dosageInstruction: [
      {
        timing: { repeat: { frequency: perDay, period: 1, periodUnit: 'd' } },
        doseAndRate: [{ doseQuantity: { value: mg, unit: 'mg' } }],
      },
    ],
  };
}

/** Where one order's time went, in ms from the start of its POST, from the timestamps the databases keep. */
export interface OrderStages {
  /** The gateway's ingest transaction began (its ResourceIngested `recorded_at`). */
  gatewayIngest: number;
  /** clinician-liaison's consumer began the inbox transaction for it (relay, Kafka and fetch before it). */
  liaisonInbox: number;
  /** The MedicationStarted its consumer appended. */
  medicationStarted: number;
  /** The first AlertRaised the liaison processor appended for it (the processor's poll before it). */
  alertRaised: number;
  /** The first patient-view answer with the card (the alert's projection and the CDS poll before it). */
  cardSeen: number;
}

/**
 * The stages of each timed order (the last `postedAt.length` MedicationRequests the gateway ingested), by
 * the `recorded_at`/`processed_at` the services' own tables keep: each is a transaction's start on the
 * database's clock, the same machine's clock as `postedAt`.
 */
export async function orderStages(
  gatewayDatabaseUrl: string,
  liaisonDatabaseUrl: string,
  timings: OrderToCardTimings,
): Promise<OrderStages[]> {
  const ms = (at: Date | undefined, since: number) => (at ? Math.round((at.getTime() - since) * 10) / 10 : NaN);
  const gateway = new Client({ connectionString: gatewayDatabaseUrl });
  const liaison = new Client({ connectionString: liaisonDatabaseUrl });
  await Promise.all([gateway.connect(), liaison.connect()]);
  try {
    const orders = (
      await gateway.query<{ event_id: string; recorded_at: Date }>(
        `SELECT event_id, recorded_at FROM event_store.events
          WHERE type = 'ResourceIngested' AND data->'fact'->>'kind' = 'MedicationOrdered'
          ORDER BY global_position DESC LIMIT $1`,
        [timings.postedAt.length],
      )
    ).rows.reverse();
    return await Promise.all(
      orders.map(async (order, index) => {
        const since = timings.postedAt[index]!;
        const { rows } = await liaison.query<{ inbox: Date; started: Date; raised: Date }>(
          `SELECT (SELECT min(processed_at) FROM processed_message WHERE event_id = $1) AS inbox,
                  s.recorded_at AS started,
                  (SELECT min(a.recorded_at) FROM event_store.events a
                    WHERE a.type = 'AlertRaised' AND a.metadata->>'causationId' = s.event_id::text) AS raised
             FROM event_store.events s
            WHERE s.type = 'MedicationStarted' AND s.metadata->>'causationId' = $1::text`,
          [order.event_id],
        );
        return {
          gatewayIngest: ms(order.recorded_at, since),
          liaisonInbox: ms(rows[0]?.inbox, since),
          medicationStarted: ms(rows[0]?.started, since),
          alertRaised: ms(rows[0]?.raised, since),
          cardSeen: Math.round(timings.orderToCardMs[index]! * 10) / 10,
        };
      }),
    );
  } finally {
    await Promise.all([gateway.end(), liaison.end()]);
  }
}
