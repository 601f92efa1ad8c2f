import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Bundle, CapabilityStatement, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { Pool } from 'pg';
import { fixtures } from '@carecircle/contracts';
import { projectTimelineEvent } from '@carecircle/gateway/read-models';
import { GATEWAY_DEPS, type GatewayDeps } from '../gateway.deps';
import { FHIR_JSON_TYPE, startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness';
import { sqlOfPool } from '@carecircle/platform/event-store';

const DATA = resolve(__dirname, '../../../../../shared/data');
const PATIENT = JSON.parse(readFileSync(`${DATA}/fhir-examples/Patient-pat1.json`, 'utf8')) as { id: string };
const ALERT_ID = fixtures.CoordinationAlertRaised.payload.alertId;
const MEASURE_ID = fixtures.MeasureRecorded.payload.measureId;
/** The Encounter of a member's attendance at a session is named by its first AttendanceRecorded. */
const ATTENDANCE_ID = '00000000-0000-4000-8000-000000000040';

type Fixture = keyof typeof fixtures;

describe('FHIR reads of what CareCircle produces (real PostgreSQL, HTTP, SMART tokens)', () => {
  let gateway: GatewayHarness;
  let pool: Pool;
  let memberId: string;
  const tokens: Record<'reader' | 'flagOnly' | 'ingest', string> = { reader: '', flagOnly: '', ingest: '' };

  const get = async (path: string, token?: string) => {
    const response = await fetch(`${gateway.base}/fhir/R4/${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Resource & Record<string, unknown>,
    };
  };
  const searchAll = async (path: string) =>
    ((await get(path, tokens.reader)).body as Bundle).entry?.flatMap((entry) => entry.resource ?? []) ?? [];
  /** Keeps a contract fixture as the timeline consumer would, about this test's member (or its own group). */
  const keep = async (type: Fixture, eventId: string, payload: Record<string, unknown> = {}) => {
    const fixture = fixtures[type];
    await projectTimelineEvent(sqlOfPool(pool), {
      ...fixture,
      eventId,
      subject: fixture.subject.startsWith('mbr_') ? memberId : fixture.subject,
      payload: { ...fixture.payload, ...payload },
    });
  };
  const auditRows = async (agent: string) =>
    (
      await pool.query<{ operation: string; outcome: string; resource_types: string[]; member_ids: string[] }>(
        `SELECT operation, outcome, resource_types, member_ids FROM gateway.audit_event WHERE agent = $1 AND action = 'R' ORDER BY seq`,
        [agent],
      )
    ).rows;

  beforeAll(async () => {
    gateway = await startGatewayHarness({
      database: 'gateway_fhir_read',
      clients: [
        { clientId: 'ehr-reader', scope: 'system/*.rs' },
        { clientId: 'flag-reader', scope: 'system/Flag.r' },
        { clientId: 'ehr-ingest', scope: 'system/Patient.cu' },
        { clientId: 'audit-probe', scope: 'system/Flag.rs' },
      ],
    });
    pool = new Pool({ connectionString: gateway.db.url, max: 2 });
    [tokens.reader, tokens.flagOnly, tokens.ingest] = await Promise.all([
      gateway.accessToken('ehr-reader', 'system/*.rs'),
      gateway.accessToken('flag-reader', 'system/Flag.r'),
      gateway.accessToken('ehr-ingest', 'system/Patient.cu'),
    ]);
    // The EHR tells the gateway who the patient is (sealed in the identity vault); the member id is the gateway's.
    const put = await fetch(`${gateway.base}/fhir/R4/Patient/${PATIENT.id}`, {
      method: 'PUT',
      headers: { 'content-type': FHIR_JSON_TYPE, authorization: `Bearer ${tokens.ingest}` },
      body: JSON.stringify(PATIENT),
    });
    expect([200, 201]).toContain(put.status);
    const found = await gateway.app.get<GatewayDeps>(GATEWAY_DEPS).findMember(`Patient/${PATIENT.id}`);
    if (!found) throw new Error('the ingested Patient has no member id');
    memberId = found;
    await keep('GroupFormed', '00000000-0000-4000-8000-000000000001');
    await keep('MemberEnrolled', '00000000-0000-4000-8000-000000000002');
    await keep('SessionScheduled', '00000000-0000-4000-8000-000000000003');
    await keep('SessionScheduled', '00000000-0000-4000-8000-000000000004', {
      sessionId: 'grp_cancer_tuesday-s03',
      sequence: 3,
      startsAt: '2026-03-31T16:00:00.000Z',
      endsAt: '2026-03-31T17:30:00.000Z',
    });
    await keep('SessionCancelled', '00000000-0000-4000-8000-000000000005');
    // Session 2: recorded absent, then corrected to attended online: one Encounter.
    await keep('AttendanceRecorded', ATTENDANCE_ID);
    await keep('AttendanceCorrected', '00000000-0000-4000-8000-000000000041');
    await keep('CoordinationAlertRaised', '00000000-0000-4000-8000-000000000006');
    await keep('AlertAcknowledged', '00000000-0000-4000-8000-000000000007');
    await keep('CoordinationAlertRaised', '00000000-0000-4000-8000-000000000008', {
      alertId: '6c1f9e0d-4d72-4b1b-8e6f-8b2c3d4e5f02',
      severity: 'warning',
      rule: 'therapeutic-overload',
    });
    await keep('MeasureRecorded', '00000000-0000-4000-8000-000000000009');
    await keep('MeasureCorrected', '00000000-0000-4000-8000-000000000010');
    for (const [index, measureId] of [
      'a0000000-0000-4000-8000-00000000000a',
      'b0000000-0000-4000-8000-00000000000b',
    ].entries()) {
      await keep('MeasureRecorded', `00000000-0000-4000-8000-00000000002${index}`, {
        measureId,
        instrument: 'gad-7',
        total: 6 + index,
        band: 'mild',
        item9: null,
      });
    }
  }, 90_000);

  afterAll(async () => {
    await pool?.end();
    await gateway?.stop();
  }, 30_000);

  it('reads each type by id, referencing the patient as the EHR knows them, with an honest version and ETag', async () => {
    const reads: [string, Record<string, unknown>][] = [
      [`Communication/${ALERT_ID}`, { status: 'completed', subject: { reference: `Patient/${PATIENT.id}` } }],
      [`DetectedIssue/${ALERT_ID}`, { status: 'final', patient: { reference: `Patient/${PATIENT.id}` } }],
      [`Flag/${ALERT_ID}`, { status: 'active', subject: { reference: `Patient/${PATIENT.id}` } }],
      [
        `Task/${ALERT_ID}`,
        { status: 'completed', for: { reference: `Patient/${PATIENT.id}` }, businessStatus: { text: 'overridden' } },
      ],
      [
        `Observation/${MEASURE_ID}`,
        {
          status: 'corrected',
          valueQuantity: { value: 15 },
          meta: { versionId: '2' },
          subject: { reference: `Patient/${PATIENT.id}` },
        },
      ],
      [
        'Group/grp.cancer.tuesday',
        { active: true, quantity: 1, member: [{ entity: { identifier: { value: memberId } } }] },
      ],
      [
        'Appointment/grp.cancer.tuesday-s02',
        { status: 'cancelled', supportingInformation: [{ reference: 'Group/grp.cancer.tuesday' }] },
      ],
    ];
    for (const [path, expected] of reads) {
      const { status, headers, body } = await get(path, tokens.reader);
      expect({ path, status }).toEqual({ path, status: 200 });
      expect(headers.get('content-type')).toContain('application/fhir+json');
      expect(body).toMatchObject({ resourceType: path.split('/')[0], id: path.split('/')[1], ...expected });
      expect(headers.get('etag')).toBe(`W/"${(body.meta as { versionId: string }).versionId}"`);
      expect(Date.parse(headers.get('last-modified') ?? '')).toBeGreaterThan(0);
      if (!path.startsWith('Group/')) expect(JSON.stringify(body)).not.toContain(memberId);
    }
  });

  it('answers 404 OperationOutcome for an unknown id, a warning alert (no Flag) and a type it does not read', async () => {
    for (const path of [
      'Observation/5f6e7d8c-0000-4000-8000-000000000000',
      'Flag/6c1f9e0d-4d72-4b1b-8e6f-8b2c3d4e5f02',
      'Patient/pat1',
    ]) {
      const { status, body } = await get(path, tokens.reader);
      expect({ path, status, type: body.resourceType }).toEqual({ path, status: 404, type: 'OperationOutcome' });
    }
    // An id outside the FHIR id rule is bad input, not an unknown resource.
    const badId = await get('Group/not_a_fhir_id', tokens.reader);
    expect({ status: badId.status, issue: (badId.body as OperationOutcome).issue[0] }).toMatchObject({
      status: 400,
      issue: { code: 'value', expression: ['Group.id'] },
    });
    expect(((await get('Patient/pat1', tokens.reader)).body as OperationOutcome).issue[0]?.code).toBe('not-supported');
  });

  it('searches by patient, subject and member as searchset Bundles with total and paging links', async () => {
    const observations = await get(`Observation?patient=Patient/${PATIENT.id}&_count=2`, tokens.reader);
    const page = observations.body as Bundle;
    expect(observations.status).toBe(200);
    expect(page).toMatchObject({ type: 'searchset', total: 3 });
    expect(page.entry?.map((entry) => entry.resource?.id)).toEqual([
      MEASURE_ID,
      'a0000000-0000-4000-8000-00000000000a',
    ]);
    const next = page.link?.find((link) => link.relation === 'next')?.url ?? '';
    expect(next).toContain('_offset=2');
    const rest = (await get(next.slice(next.indexOf('/fhir/R4/') + '/fhir/R4/'.length), tokens.reader)).body as Bundle;
    expect(rest.entry?.map((entry) => entry.resource?.id)).toEqual(['b0000000-0000-4000-8000-00000000000b']);

    expect((await searchAll(`Communication?subject=Patient/${PATIENT.id}`)).map((resource) => resource.id)).toEqual([
      ALERT_ID,
      '6c1f9e0d-4d72-4b1b-8e6f-8b2c3d4e5f02',
    ]);
    expect((await searchAll(`Flag?patient=${PATIENT.id}`)).map((resource) => resource.id)).toEqual([ALERT_ID]);
    expect(
      (await searchAll(`Task?patient=Patient/${PATIENT.id}`)).map(
        (resource) => (resource as { status: string }).status,
      ),
    ).toEqual(['completed', 'requested']);
    expect((await searchAll(`DetectedIssue?patient=Patient/${PATIENT.id}`)).length).toBe(2);
    expect((await searchAll(`Group?member=Patient/${PATIENT.id}`)).map((resource) => resource.id)).toEqual([
      'grp.cancer.tuesday',
    ]);
    expect(
      (await searchAll(`Appointment?patient=Patient/${PATIENT.id}`)).map((resource) => [
        resource.id,
        (resource as { status: string }).status,
      ]),
    ).toEqual([
      ['grp.cancer.tuesday-s02', 'cancelled'],
      ['grp.cancer.tuesday-s03', 'booked'],
    ]);
  });

  it('answers an empty searchset for a patient it does not know, and 400 naming an unknown parameter', async () => {
    const unknown = await get('Observation?patient=Patient/never-seen', tokens.reader);
    expect(unknown.status).toBe(200);
    expect(unknown.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 0 });
    expect(unknown.body['entry']).toBeUndefined();
    const refused = await get(`Observation?patient=Patient/${PATIENT.id}&code=44261-6`, tokens.reader);
    expect(refused.status).toBe(400);
    expect((refused.body as OperationOutcome).issue[0]?.details?.text).toContain("Unknown search parameter 'code'");
    expect((await get('Observation', tokens.reader)).status).toBe(400);
  });

  it('refuses without a token (401) and beyond the token scopes (403), as OperationOutcomes', async () => {
    for (const path of [`Flag/${ALERT_ID}`, `Flag?patient=Patient/${PATIENT.id}`]) {
      const { status, body } = await get(path);
      expect({ path, status, type: body.resourceType }).toEqual({ path, status: 401, type: 'OperationOutcome' });
    }
    expect((await get(`Flag/${ALERT_ID}`, tokens.flagOnly)).status).toBe(200);
    for (const path of [`Flag?patient=Patient/${PATIENT.id}`, `Observation/${MEASURE_ID}`]) {
      const { status, body } = await get(path, tokens.flagOnly);
      expect({ path, status, type: body.resourceType }).toEqual({ path, status: 403, type: 'OperationOutcome' });
    }
  });

  it('audits every read before answering: who, which type, which members, and the outcome; denials too', async () => {
    const probe = await gateway.accessToken('audit-probe', 'system/Flag.rs');
    const anonymousBefore = (await auditRows('anonymous')).length;
    expect((await get(`Flag/${ALERT_ID}`, probe)).status).toBe(200);
    expect((await get(`Flag?patient=Patient/${PATIENT.id}`, probe)).status).toBe(200);
    expect((await get('Flag/5f6e7d8c-0000-4000-8000-000000000000', probe)).status).toBe(404);
    expect((await get(`Flag?patient=Patient/${PATIENT.id}&_sort=date`, probe)).status).toBe(400);
    expect((await get(`Task/${ALERT_ID}`, probe)).status).toBe(403);
    expect((await get(`Task?patient=Patient/${PATIENT.id}`, probe)).status).toBe(403);
    expect((await get(`Task/${ALERT_ID}`)).status).toBe(401);
    expect(await auditRows('audit-probe')).toEqual([
      { operation: 'GET /fhir/R4/Flag/:id', outcome: '0', resource_types: ['Flag'], member_ids: [memberId] },
      { operation: 'GET /fhir/R4/Flag', outcome: '0', resource_types: ['Flag'], member_ids: [memberId] },
      { operation: 'GET /fhir/R4/Flag/:id', outcome: '4', resource_types: ['Flag'], member_ids: [] },
      // Refused searches and denials name the patient they asked about.
      { operation: 'GET /fhir/R4/Flag', outcome: '4', resource_types: ['Flag'], member_ids: [memberId] },
      { operation: 'GET /fhir/R4/Task/:id', outcome: '4', resource_types: [], member_ids: [] },
      { operation: 'GET /fhir/R4/Task', outcome: '4', resource_types: [], member_ids: [memberId] },
    ]);
    expect((await auditRows('anonymous')).slice(anonymousBefore)).toEqual([
      { operation: 'GET /fhir/R4/Task/:id', outcome: '4', resource_types: [], member_ids: [] },
    ]);
  });

  it('lists in its CapabilityStatement exactly the reads and searches that answer', async () => {
    const statement = (await (await fetch(`${gateway.base}/fhir/R4/metadata`)).json()) as CapabilityStatement;
    const resources = statement.rest?.[0]?.resource ?? [];
    const readable = resources.filter((resource) =>
      resource.interaction?.some((interaction) => interaction.code === 'read'),
    );
    expect(readable.map((resource) => resource.type).sort()).toEqual([
      'Appointment',
      'Communication',
      'DetectedIssue',
      'Encounter',
      'Flag',
      'Group',
      'Observation',
      'Task',
    ]);
    for (const resource of resources) {
      const codes = resource.interaction?.map((interaction) => interaction.code) ?? [];
      expect({ type: resource.type, searchable: codes.includes('search-type') }).toEqual({
        type: resource.type,
        searchable: codes.includes('read'),
      });
      if (!codes.includes('read')) {
        expect({ type: resource.type, status: (await get(`${resource.type}/any-id`, tokens.reader)).status }).toEqual({
          type: resource.type,
          status: 404,
        });
        continue;
      }
      const [param] = resource.searchParam ?? [];
      const search = await get(`${resource.type}?${param?.name ?? ''}=Patient/${PATIENT.id}`, tokens.reader);
      expect({ type: resource.type, status: search.status }).toEqual({ type: resource.type, status: 200 });
      const [first] = (search.body as Bundle).entry ?? [];
      expect({
        type: resource.type,
        read: (await get(`${resource.type}/${first?.resource?.id ?? 'none'}`, tokens.reader)).status,
      }).toEqual({ type: resource.type, read: 200 });
      for (const other of resource.searchParam ?? [])
        expect((await get(`${resource.type}?${other.name}=Patient/${PATIENT.id}`, tokens.reader)).status).toBe(200);
    }
  });

  it('files the member’s attendance at a group session as an Encounter: CPT 90853, class AMB, the patient, the facilitator, the session’s period', async () => {
    const read = await get(`Encounter/${ATTENDANCE_ID}`, tokens.reader);
    expect(read.status).toBe(200);
    // Recorded, corrected, and the session's two events (scheduled, then cancelled in this suite's fixtures).
    expect(read.headers.get('etag')).toBe('W/"4"');
    expect(read.body).toMatchObject({
      resourceType: 'Encounter',
      id: ATTENDANCE_ID,
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      type: [
        { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '90853' }] },
        { coding: [{ code: 'attended-online' }] },
      ],
      subject: { reference: `Patient/${PATIENT.id}` },
      participant: [{ individual: { identifier: { value: 'fac_synthetic_sw_01' } } }],
      appointment: [{ reference: 'Appointment/grp.cancer.tuesday-s02' }],
      period: { start: '2026-03-24T17:00:00.000Z', end: '2026-03-24T18:30:00.000Z' },
    });
    expect(JSON.stringify(read.body)).not.toContain(memberId);
    for (const search of [`Encounter?patient=Patient/${PATIENT.id}`, `Encounter?subject=Patient/${PATIENT.id}`])
      expect((await searchAll(search)).map((resource) => resource.id)).toEqual([ATTENDANCE_ID]);
    // A correction's event id names no Encounter: only the first record does.
    expect((await get('Encounter/00000000-0000-4000-8000-000000000041', tokens.reader)).status).toBe(404);
  });

  it('documents each read and search in the OpenAPI description, each its own operation', async () => {
    const openApi = (await (await fetch(`${gateway.base}/api/docs-json`)).json()) as {
      paths: Record<string, { get?: { operationId: string } }>;
    };
    const operations = [
      'Communication',
      'DetectedIssue',
      'Flag',
      'Task',
      'Observation',
      'Group',
      'Appointment',
      'Encounter',
    ].flatMap((type) => [
      openApi.paths[`/fhir/R4/${type}`]?.get?.operationId,
      openApi.paths[`/fhir/R4/${type}/{id}`]?.get?.operationId,
    ]);
    expect(operations.every(Boolean)).toBe(true);
    expect(new Set(operations).size).toBe(operations.length);
  });
  it('orders the same-day psychiatric evaluation of a suicidal-ideation alert as a Task, requested until the psychiatrist acknowledges, read and audited like the alert', async () => {
    const patient = { resourceType: 'Patient', id: 'pat-item9', birthDate: '1981-03-14' };
    const put = await fetch(`${gateway.base}/fhir/R4/Patient/${patient.id}`, {
      method: 'PUT',
      headers: { 'content-type': FHIR_JSON_TYPE, authorization: `Bearer ${tokens.ingest}` },
      body: JSON.stringify(patient),
    });
    expect(put.status).toBe(200);
    const member = await gateway.app.get<GatewayDeps>(GATEWAY_DEPS).findMember(`Patient/${patient.id}`);
    const alertId = '7d2e0f1e-5e83-4c2c-9f70-9c3d4e5f6a03';
    const keepFor = (type: Fixture, eventId: string, payload: Record<string, unknown>) =>
      projectTimelineEvent(sqlOfPool(pool), {
        ...fixtures[type],
        eventId,
        subject: member!,
        payload: { ...fixtures[type].payload, ...payload },
      });
    await keepFor('CoordinationAlertRaised', '00000000-0000-4000-8000-000000000030', {
      alertId,
      rule: 'suicidal-ideation',
      severity: 'critical',
      recipientRole: 'attending-psychiatrist',
      recipientId: 'clin_synthetic_psy_01',
      raisedAt: '2026-03-10T09:00:00.000Z',
      escalationDueAt: '2026-03-10T09:15:00.000Z',
    });
    type TaskResource = {
      id: string;
      status: string;
      priority: string;
      intent: string;
      code?: { coding: { code: string }[] };
      owner?: { identifier: { value: string } };
      restriction?: { period: { end: string } };
    };
    const tasks = (await searchAll(`Task?patient=Patient/${patient.id}`)) as unknown as TaskResource[];
    expect(tasks.map((task) => task.id).sort()).toEqual([alertId, `${alertId}-evaluation`]);
    const evaluation = tasks.find((task) => task.id === `${alertId}-evaluation`)!;
    expect(evaluation).toMatchObject({
      status: 'requested',
      intent: 'order',
      priority: 'stat',
      for: { reference: `Patient/${patient.id}` },
      owner: { identifier: { value: 'clin_synthetic_psy_01' } },
      restriction: { period: { end: '2026-03-10T23:59:59Z' } },
    });
    expect(evaluation.code?.coding.map((coding) => coding.code)).toContain('psychiatric-evaluation');
    expect(JSON.stringify(tasks)).not.toContain(member);
    // A search that finds nothing still names the member it was about.
    expect(await searchAll(`Observation?patient=Patient/${patient.id}`)).toEqual([]);

    await keepFor('AlertAcknowledged', '00000000-0000-4000-8000-000000000031', {
      alertId,
      outcome: 'accepted',
      overrideReasonGiven: false,
      acknowledgedAt: '2026-03-10T09:12:00.000Z',
    });
    const read = await get(`Task/${alertId}-evaluation`, tokens.reader);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id: `${alertId}-evaluation`,
      status: 'completed',
      executionPeriod: { end: '2026-03-10T09:12:00.000Z' },
    });
    expect(read.headers.get('etag')).toBe('W/"2"');
    expect((await get(`Task/${alertId.replace(/.$/, '9')}-evaluation`, tokens.reader)).status).toBe(404);
    // The communication and the acknowledgement Task are the same alert's; they do not mention an evaluation.
    expect((await get(`Communication/${alertId}-evaluation`, tokens.reader)).status).toBe(404);

    const reads = (
      await pool.query<{ operation: string; outcome: string; member_ids: string[] }>(
        `SELECT operation, outcome, member_ids FROM gateway.audit_event WHERE agent = 'ehr-reader' AND action = 'R' AND 'Task' = ANY(resource_types) ORDER BY seq DESC LIMIT 3`,
      )
    ).rows;
    const emptySearch = await pool.query<{ member_ids: string[] }>(
      `SELECT member_ids FROM gateway.audit_event WHERE agent = 'ehr-reader' AND operation = 'GET /fhir/R4/Observation' AND $1 = ANY(member_ids)`,
      [member],
    );
    expect(emptySearch.rowCount).toBe(1);
    expect(reads.reverse()).toEqual([
      { operation: 'GET /fhir/R4/Task', outcome: '0', member_ids: [member] },
      { operation: 'GET /fhir/R4/Task/:id', outcome: '0', member_ids: [member] },
      { operation: 'GET /fhir/R4/Task/:id', outcome: '4', member_ids: [] },
    ]);
  });
});
