import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { Client, Pool } from 'pg';
import { toIntegrationEvent } from '@carecircle/gateway/application';
import { PostgresEventStore } from '@carecircle/platform/event-store';
import { FHIR_JSON_TYPE as FHIR, startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness';

/**
 * Property-based fuzz of FHIR ingest over real HTTP (fast-check): real FHIR examples and a Synthea
 * Bundle, mutated (wrong types, huge and unicode strings, deep nesting, `__proto__`/`constructor`
 * keys, nulls, numbers as ids, bad ids and references, Patients sharing identifiers) and arbitrary
 * JSON. Never a 5xx; a refused request (4xx) leaves the facts (event store, which is also the outbox)
 * and the identity tables as they were (identity review items and audit rows are meant to be written);
 * what is accepted maps to integration events the contracts accept, so the outbox relay never stalls.
 */
const DATA = resolve(__dirname, '../../../../../shared/data');
const SEED = Number(process.env['FUZZ_SEED'] ?? 1764913130);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 200);
const STATE_TABLES = ['event_store.events', 'gateway.member_identity', 'gateway.member_lookup'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const EXAMPLES: Record<string, Json>[] = readdirSync(`${DATA}/fhir-examples`)
  .filter((file) => file.endsWith('.json') && file !== 'package.json')
  .map((file) => JSON.parse(readFileSync(`${DATA}/fhir-examples/${file}`, 'utf8')) as Record<string, Json>)
  .filter((resource) => typeof resource['resourceType'] === 'string' && resource['resourceType'] !== 'Bundle');
const SYNTHEA = (() => {
  const dir = `${DATA}/synthea/r4-bundles`;
  const bundle = JSON.parse(
    readFileSync(
      `${dir}/${
        readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .sort()[0]
      }`,
      'utf8',
    ),
  ) as { entry: Json[] };
  return { ...bundle, entry: bundle.entry.slice(0, 12) } as Record<string, Json>;
})();

/** Sets an own property, `__proto__` included, as JSON.parse would. */
function put(target: object, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Every place a value sits in the tree (breadth first, bounded), as parent and key. */
function slots(root: Json): [object, string | number][] {
  const found: [object, string | number][] = [];
  const queue: Json[] = [root];
  while (queue.length > 0 && found.length < 3_000) {
    const node = queue.shift();
    if (!node || typeof node !== 'object') continue;
    for (const key of Array.isArray(node) ? node.keys() : Object.keys(node)) {
      found.push([node, key]);
      queue.push((node as Record<string | number, Json>)[key] as Json);
    }
  }
  return found;
}

type Mutation =
  | { at: number; op: 'set'; value: unknown }
  | { at: number; op: 'delete' }
  | { at: number; op: 'key'; key: string; value: unknown }
  | { at: number; op: 'nest'; depth: number };

function mutate<T extends Json>(original: T, mutations: readonly Mutation[]): T {
  const root = JSON.parse(JSON.stringify(original)) as T;
  for (const mutation of mutations) {
    const all = slots(root);
    if (all.length === 0) break;
    const [parent, key] = all[mutation.at % all.length]!;
    const current = (parent as Record<string | number, unknown>)[key];
    if (mutation.op === 'set') put(parent, key, mutation.value);
    else if (mutation.op === 'delete') delete (parent as Record<string | number, unknown>)[key];
    else if (mutation.op === 'key' && current && typeof current === 'object' && !Array.isArray(current))
      put(current, mutation.key, mutation.value);
    else if (mutation.op === 'nest') {
      let nested: unknown = current;
      for (let level = 0; level < mutation.depth; level++) nested = level % 2 ? { value: nested } : [nested];
      put(parent, key, nested);
    }
  }
  return root;
}

const idLike = fc.oneof(
  fc.constantFrom('fz-1', 'fz-2', 'fz-3', 'Jane Doe', '', 'x'.repeat(65), '../etc', 'a/b', 'ü', '%', '__proto__'),
  fc.stringMatching(/^[A-Za-z0-9\-.]{1,64}$/),
  fc.string({ maxLength: 70 }),
);
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constant('Jane Doe '.repeat(12_000)),
  fc.constantFrom(
    'Patient/Jane Doe',
    'Patient/',
    'Patient/fz-1',
    'Patient?identifier=%E0%A4%A',
    'urn:uuid:00000000-0000-4000-8000-000000000000',
    'Group/x',
  ),
  idLike,
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant({}),
  fc.constant([]),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ at: fc.nat(), op: fc.constant('set' as const), value: wrongValue }) },
  { weight: 2, arbitrary: fc.record({ at: fc.nat(), op: fc.constant('delete' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      at: fc.nat(),
      op: fc.constant('key' as const),
      key: fc.constantFrom('__proto__', 'constructor', 'prototype', 'id', 'resourceType', 'reference'),
      value: wrongValue,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ at: fc.nat(), op: fc.constant('nest' as const), depth: fc.integer({ min: 1, max: 120 }) }),
  },
);
const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

/** Patients that share ids and identifiers across runs, so identity conflicts happen. */
const patient = fc.record({
  resourceType: fc.constant('Patient'),
  id: fc.constantFrom('fz-1', 'fz-2', 'fz-3', 'fz-4'),
  identifier: fc.array(
    fc.record({ system: fc.constant('urn:example:mrn'), value: fc.constantFrom('MRN-A', 'MRN-B', 'MRN-C', 'MRN-D') }),
    { minLength: 1, maxLength: 2 },
  ),
  birthDate: fc.constantFrom('1960-03-01', '1990-12-31'),
});

function bundleOf(type: string, resources: Json[]): Record<string, Json> {
  const patientUrl = `urn:uuid:${randomUUID()}`;
  return {
    resourceType: 'Bundle',
    type,
    entry: resources.map((resource, index) => {
      const r = resource as Record<string, Json>;
      const subjectOfPatient =
        index > 0 && r && typeof r === 'object' && 'subject' in r ? { ...r, subject: { reference: patientUrl } } : r;
      return {
        fullUrl: index === 0 ? patientUrl : `urn:uuid:${randomUUID()}`,
        resource: subjectOfPatient,
        request: { method: index % 2 ? 'POST' : 'PUT', url: String(r?.['resourceType'] ?? 'x') },
      };
    }),
  };
}

describe('FHIR ingest under mutated and arbitrary input (fast-check, real HTTP, PostgreSQL, Kafka)', () => {
  let gateway: GatewayHarness;
  let sql: Client;
  let pool: Pool;
  let token: string;
  let relayed: bigint | undefined;

  /** Maps every event recorded since the last call as the outbox relay will: a contract violation throws here. */
  const expectRelayable = async () => {
    const events = await new PostgresEventStore(pool).readAll({ after: relayed, maxCount: 10_000 });
    for (const event of events) {
      try {
        toIntegrationEvent(event);
      } catch (error) {
        throw new Error(`${event.type} ${JSON.stringify(event.data)} cannot be relayed: ${String(error)}`);
      }
      relayed = event.globalPosition;
    }
  };

  const state = async () =>
    Promise.all(
      STATE_TABLES.map(async (table) =>
        Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n),
      ),
    );
  /** Sends one request; fails the property on a 5xx, or on a 4xx that changed the recorded state. */
  const check = async (method: string, path: string, body: unknown) => {
    const before = await state();
    const response = await fetch(`${gateway.base}${path}`, {
      method,
      headers: { 'content-type': FHIR, authorization: `Bearer ${token}` },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    expect({ path, status: response.status < 500 ? 'not 5xx' : response.status }).toEqual({ path, status: 'not 5xx' });
    if (response.status >= 400) {
      expect(response.headers.get('content-type')).toContain('application/fhir+json');
      expect((JSON.parse(text) as { resourceType: string }).resourceType).toBe('OperationOutcome');
      expect(await state()).toEqual(before);
    } else {
      await expectRelayable();
    }
    return response.status;
  };
  const options = { numRuns: RUNS, seed: SEED };

  beforeAll(async () => {
    gateway = await startGatewayHarness({
      database: 'gateway_fhir_fuzz',
      clients: [{ clientId: 'ehr-integration', scope: 'system/*.cruds' }],
      env: { GATEWAY_RATE_LIMIT_BURST: '1000000', GATEWAY_RATE_LIMIT_PER_SECOND: '1000000' },
    });
    sql = new Client({ connectionString: gateway.db.url });
    await sql.connect();
    pool = new Pool({ connectionString: gateway.db.url, max: 1 });
    token = await gateway.accessToken('ehr-integration', 'system/*.cruds');
    expect(await check('POST', '/fhir/R4', SYNTHEA)).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await sql?.end();
    await pool?.end();
    await gateway?.stop();
  }, 30_000);

  it('single resources: mutated examples by POST and PUT with arbitrary ids', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), mutations, idLike, fc.boolean(), async (pick, changes, id, asUpdate) => {
        const resource = mutate(EXAMPLES[pick % EXAMPLES.length]!, changes) as Record<string, Json>;
        const type = typeof resource['resourceType'] === 'string' ? resource['resourceType'] : 'Observation';
        // fetch resolves `.` and `..` path segments before sending: they never reach the server as ids.
        // A segment is cut at 256 characters: longer URLs meet Node's header limit (431) before any route.
        const segment = (value: string) =>
          value === '' || value === '.' || value === '..' ? 'x' : encodeURIComponent(value.slice(0, 256));
        if (asUpdate) await check('PUT', `/fhir/R4/${segment(type)}/${segment(id)}`, resource);
        else await check('POST', `/fhir/R4/${segment(type)}`, resource);
      }),
      options,
    );
  }, 120_000);

  it('Bundles: mutated batches and transactions of examples with Patients that share identifiers, and mutated Synthea', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('batch', 'transaction'),
        patient,
        fc.array(fc.nat(), { maxLength: 4 }),
        mutations,
        fc.nat({ max: 4 }).map((n) => n === 0),
        async (type, first, picks, changes, synthea) => {
          const bundle = synthea
            ? SYNTHEA
            : bundleOf(type, [first as Json, ...picks.map((pick) => EXAMPLES[pick % EXAMPLES.length]!)]);
          await check('POST', '/fhir/R4', mutate(bundle, changes));
        },
      ),
      options,
    );
  }, 120_000);

  it('arbitrary JSON, and Patients alone: conflicting identities answer 409 and change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 6 }),
          patient,
          fc.tuple(patient, patient).map(([a, b]) => bundleOf('batch', [a, b])),
        ),
        async (body) => {
          const path =
            (body as { resourceType?: unknown })?.resourceType === 'Patient'
              ? `/fhir/R4/Patient/${(body as { id: string }).id}`
              : '/fhir/R4';
          await check(path === '/fhir/R4' ? 'POST' : 'PUT', path, body);
        },
      ),
      options,
    );
    expect(
      Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM gateway.identity_review')).rows[0]!.n),
    ).toBeGreaterThan(0);
  }, 120_000);
});
