import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Consumer, Producer } from 'kafkajs';
import { Client } from 'pg';
import { fixtures, gatewayFixtures, Topics } from '@carecircle/contracts';
import { createKafka, createProducer } from '@carecircle/platform/messaging';
import { captureLogLines, createLogger } from '@carecircle/platform/observability';
import {
  bootstrapService,
  connectKafkaConsumer,
  startLocalTokenIssuer,
  type LocalTokenIssuer,
} from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  startKafka,
  waitFor,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { AppModule } from './app.module';
import { liaisonDomainErrors } from './service-options';

jest.setTimeout(180_000);

const AUDIENCE = 'carecircle-clinician-liaison';
const member = 'mbr_int_access_0001';
const otherMember = 'mbr_int_access_0002';
const group = 'grp_int_access_1';
/** On the member's care team (admin route), the prescriber of the seeded medication. */
const psy = 'clin_acc_psy_01';
/** On the team, then removed (CareTeamMemberEnded). */
const phys = 'clin_acc_phys_01';
/** On the team from the EHR's CareTeam, with a period that has ended. */
const lapsed = 'clin_acc_lapsed_01';
/** On the team from the EHR's CareTeam, with a period still ahead. */
const ehrPhys = 'clin_acc_ehr_01';
/** Never on the team: the escalation attempts and break-the-glass. */
const outsider = 'clin_acc_out_01';
const fac = 'clin_acc_fac_01';
const otherFac = 'clin_acc_fac_02';
const DRUG = /sertraline|36437|\b50\s*mg\b|\bmg\/day\b/i;
const OVERRIDE_REASON = 'synthetic override reason words';
const NOTE = 'synthetic break-the-glass note words';

/**
 * clinician-liaison deciding access itself: real PostgreSQL, a Kafka-protocol broker, tokens from a local
 * issuer for `carecircle-clinician-liaison`. The care team comes only from liaison's own events (admin
 * route, the EHR's CareTeam), projected back from the bus; a facilitator reads the facilitator copy only.
 */
describe('clinician-liaison access (integration)', () => {
  const saved = { ...process.env };
  const logs = captureLogLines();
  let kafka: KafkaCluster;
  let db: TestDatabase;
  let issuer: LocalTokenIssuer;
  let app: INestApplication | undefined;
  let producer: Producer | undefined;
  let tap: Consumer | undefined;
  const published: string[] = [];
  let url = '';

  const as = (sub: string, role: string) => issuer.sign(sub, { carecircle_role: role }, { audience: AUDIENCE });
  const client = (scope: string) => issuer.sign('ehr_client_01', { scope }, { audience: AUDIENCE });
  type Who = () => Promise<string>;
  const who: Record<string, Who> = {
    psy: () => as(psy, 'clinician'),
    phys: () => as(phys, 'clinician'),
    lapsed: () => as(lapsed, 'clinician'),
    ehrPhys: () => as(ehrPhys, 'clinician'),
    outsider: () => as(outsider, 'clinician'),
    fac: () => as(fac, 'facilitator'),
    otherFac: () => as(otherFac, 'facilitator'),
    lead: () => as('lead_acc_01', 'programme-lead'),
    admin: () => as('adm_acc_01', 'admin'),
    smart: () => client('system/Communication.rs'),
    unrelatedScope: () => client('system/Patient.rs'),
  };

  async function sql<T extends object>(query: string, params: unknown[] = []): Promise<T[]> {
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      return (await pg.query(query, params)).rows as T[];
    } finally {
      await pg.end();
    }
  }

  const http = async (method: string, path: string, token: string | undefined, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, body: (text ? JSON.parse(text) : null) as any };
  };
  const send = (topic: string, key: string, event: object) =>
    producer!.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify(event) }] });
  const careTeamRows = (memberId: string, clinicianId: string) =>
    sql<{ role: string; active_until: Date | null }>(
      'SELECT role, active_until FROM access.care_team WHERE member_id = $1 AND clinician_id = $2',
      [memberId, clinicianId],
    );
  const until = (description: string, condition: () => Promise<boolean>) =>
    waitFor(async () => ((await condition()) ? true : undefined), { timeoutMs: 60_000, description });

  let psyAlert = '';
  let facAlert = '';

  beforeAll(async () => {
    [kafka, db, issuer] = await Promise.all([
      startKafka(),
      createTestDatabase('liaison_access'),
      startLocalTokenIssuer(),
    ]);
    process.env = {
      ...saved,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'info',
      LIAISON_TIMER_POLL_MS: '200',
      AUTH_TRUSTED_ISSUERS: JSON.stringify([{ issuer: issuer.issuer, jwksUri: issuer.jwksUri }]),
      AUTH_REQUIRED: 'true',
    };
    app = await bootstrapService({
      name: 'clinician-liaison',
      rootModule: AppModule,
      port: 0,
      domainErrors: liaisonDomainErrors,
      logger: createLogger('clinician-liaison', { destination: logs.stream, level: 'info' }),
      configure: (a) => {
        connectKafkaConsumer(a, 'clinician-liaison');
      },
    });
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const client = createKafka({ clientId: 'liaison-access-int-test', brokers: kafka.brokers });
    producer = createProducer(client);
    await producer.connect();
    // What liaison publishes, read as any other service would.
    tap = client.consumer({ groupId: 'liaison-access-int-tap' });
    await tap.connect();
    await tap.subscribe({ topic: Topics.clinicianLiaison, fromBeginning: true });
    await tap.run({ eachMessage: async ({ message }) => void published.push(message.value?.toString() ?? '') });

    // The care team, by the admin route (the only people route that may change it).
    const admin = await who.admin();
    for (const [clinicianId, role] of [
      [psy, 'attending-psychiatrist'],
      [fac, 'facilitator'],
      [phys, 'physician'],
    ] as const) {
      expect((await http('PUT', `/api/liaison/members/${member}/care-team`, admin, { clinicianId, role })).status).toBe(
        200,
      );
    }
    // The EHR's CareTeam: one participant whose period ended, one whose period is ahead.
    const psychiatrist = [{ system: 'http://snomed.info/sct', code: '309343006' }];
    await send(Topics.gatewayIngest, member, {
      ...gatewayFixtures.CareTeamUpdated,
      eventId: randomUUID(),
      subject: member,
      payload: {
        ...gatewayFixtures.CareTeamUpdated.payload,
        participants: [
          { roles: psychiatrist, clinician: lapsed, period: { end: new Date(Date.now() - 60_000).toISOString() } },
          { roles: psychiatrist, clinician: ehrPhys, period: { end: new Date(Date.now() + 86_400_000).toISOString() } },
        ],
      },
    });
    // The member's group and its facilitator, from scheduling and enrollment.
    await send(Topics.scheduling, group, {
      ...fixtures.GroupFormed,
      eventId: randomUUID(),
      subject: group,
      payload: { ...fixtures.GroupFormed.payload, groupId: group, facilitatorIds: [fac] },
    });
    await send(Topics.enrollment, member, {
      ...fixtures.MemberEnrolled,
      eventId: randomUUID(),
      subject: member,
      payload: { ...fixtures.MemberEnrolled.payload, groupId: group },
    });
    await until('the care team and the group to reach the access tables', async () => {
      const [team, groups] = await Promise.all([
        sql<{ clinician_id: string }>('SELECT clinician_id FROM access.care_team WHERE member_id = $1', [member]),
        sql('SELECT 1 FROM access.group_member WHERE member_id = $1', [member]),
      ]);
      return team.length === 5 && groups.length === 1;
    });
    const psyToken = await who.psy();
    expect(
      (
        await http('PUT', `/api/liaison/members/${member}/profile`, psyToken, {
          birthDate: '2004-01-15',
          cohort: 'general',
          shareMedicationDetailsWithFacilitator: false,
          part2Consent: false,
        })
      ).status,
    ).toBe(200);
    await until(
      'liaison to learn of the enrolment',
      async () =>
        (
          await sql("SELECT 1 FROM event_store.events WHERE type = 'ExternalFactRecorded' AND stream_id = $1", [
            `coordination-${member}`,
          ])
        ).length > 0,
    );
    const sertraline = {
      medicationId: 'med_acc_1',
      rxnormCode: '36437',
      name: 'sertraline',
      dailyDose: 50,
      doseUnit: 'mg',
      route: 'oral',
      frequency: 'daily',
      prescriberId: psy,
    };
    expect((await http('POST', `/api/liaison/members/${member}/medications`, psyToken, sertraline)).status).toBe(202);
    const alerts = await waitFor(
      async () => {
        const rows = await sql<{ alert_id: string; recipient_role: string }>(
          "SELECT alert_id, recipient_role FROM liaison_alert WHERE member_id = $1 AND rule = 'antidepressant-change'",
          [member],
        );
        return rows.length >= 2 ? rows : undefined;
      },
      { timeoutMs: 30_000, description: 'the sertraline alerts' },
    );
    psyAlert = alerts.find((a) => a.recipient_role === 'attending-psychiatrist')!.alert_id;
    facAlert = alerts.find((a) => a.recipient_role === 'facilitator')!.alert_id;
  });

  afterAll(async () => {
    await tap?.disconnect();
    await producer?.disconnect();
    await app?.close();
    process.env = saved;
    await Promise.all([db?.drop(), kafka?.stop(), issuer?.stop()]);
  });

  it('keeps the EHR’s planned end: a lapsed period is projected with its end, a future one holds', async () => {
    expect((await careTeamRows(member, lapsed))[0]?.active_until?.getTime()).toBeLessThan(Date.now());
    expect((await careTeamRows(member, ehrPhys))[0]?.active_until?.getTime()).toBeGreaterThan(Date.now());
  });

  it('ends access when the care-team membership ends (CareTeamMemberEnded, projected from the bus)', async () => {
    const path = `/api/liaison/members/${member}/alerts`;
    const token = await who.phys();
    expect((await http('GET', path, token)).status).toBe(200);
    expect(
      (await http('DELETE', `/api/liaison/members/${member}/care-team/physician/${phys}`, await who.admin())).status,
    ).toBe(200);
    await until('the ended membership to close access', async () => (await http('GET', path, token)).status === 403);
    expect(await careTeamRows(member, phys)).toEqual([]);
  });

  // Expected status per caller: for the member whose care team and group these are, and for another member.
  const read = (path: (m: string) => string, own: Record<string, number>, other: Record<string, number>) => ({
    path,
    own,
    other,
  });
  const denied: Record<string, number> = Object.fromEntries(Object.keys(who).map((name) => [name, 403]));
  const matrix: [string, ReturnType<typeof read>][] = [
    [
      'GET members/:memberId/alerts',
      read(
        (m) => `/api/liaison/members/${m}/alerts`,
        { ...denied, psy: 200, ehrPhys: 200, fac: 200, smart: 200 },
        { ...denied, smart: 200 },
      ),
    ],
    [
      // Drugs and doses: the care team's, never a facilitator's.
      'GET members/:memberId/medications',
      read(
        (m) => `/api/liaison/members/${m}/medications`,
        { ...denied, psy: 200, ehrPhys: 200 }, // the client holds Communication scopes only
        denied,
      ),
    ],
    [
      'GET members/:memberId/communications',
      read(
        (m) => `/api/liaison/members/${m}/communications`,
        { ...denied, psy: 200, ehrPhys: 200, smart: 200 },
        { ...denied, smart: 200 },
      ),
    ],
  ];

  it.each(matrix)('%s answers each role by its relationship to the member', async (_route, { path, own, other }) => {
    for (const [name, token] of Object.entries(who)) {
      const [mine, theirs] = await Promise.all([
        http('GET', path(member), await token()),
        http('GET', path(otherMember), await token()),
      ]);
      expect([name, 'own', mine.status]).toEqual([name, 'own', own[name]]);
      expect([name, 'other', theirs.status]).toEqual([name, 'other', other[name]]);
    }
  });

  it('answers the alert routes through the alert’s member, the facilitator only for their copy', async () => {
    const expected: Record<string, [one: number, facCopy: number, deliveries: number]> = {
      psy: [200, 200, 200],
      ehrPhys: [200, 200, 200],
      phys: [403, 403, 403],
      lapsed: [403, 403, 403],
      outsider: [403, 403, 403],
      fac: [404, 200, 403],
      otherFac: [403, 403, 403],
      lead: [403, 403, 403],
      admin: [403, 403, 403],
      smart: [200, 200, 200],
      unrelatedScope: [403, 403, 403],
    };
    for (const [name, token] of Object.entries(who)) {
      const t = await token();
      const statuses = await Promise.all(
        [
          `/api/liaison/alerts/${psyAlert}`,
          `/api/liaison/alerts/${facAlert}`,
          `/api/liaison/alerts/${psyAlert}/deliveries`,
        ].map(async (p) => (await http('GET', p, t)).status),
      );
      expect([name, ...statuses]).toEqual([name, ...expected[name]!]);
    }
    // An alert id nobody knows relates to nobody: people are refused, a scoped client reaches the 404.
    expect((await http('GET', `/api/liaison/alerts/${randomUUID()}`, await who.psy())).status).toBe(403);
    expect((await http('GET', `/api/liaison/alerts/${randomUUID()}`, await who.smart())).status).toBe(404);
  });

  it('addresses the facilitator copy to the facilitator of the member’s group when the care team names none', async () => {
    const groupOnly = 'mbr_int_access_0004';
    await send(Topics.enrollment, groupOnly, {
      ...fixtures.MemberEnrolled,
      eventId: randomUUID(),
      subject: groupOnly,
      payload: { ...fixtures.MemberEnrolled.payload, groupId: group },
    });
    expect(
      (
        await http('PUT', `/api/liaison/members/${groupOnly}/care-team`, await who.admin(), {
          clinicianId: psy,
          role: 'attending-psychiatrist',
        })
      ).status,
    ).toBe(200);
    await until('the enrolment and the care team to reach liaison', async () => {
      const [joined, team] = await Promise.all([
        sql("SELECT 1 FROM event_store.events WHERE type = 'ExternalFactRecorded' AND stream_id = $1", [
          `coordination-${groupOnly}`,
        ]),
        sql('SELECT 1 FROM access.care_team WHERE member_id = $1', [groupOnly]),
      ]);
      return joined.length > 0 && team.length > 0;
    });
    const psyToken = await who.psy();
    expect(
      (
        await http('PUT', `/api/liaison/members/${groupOnly}/profile`, psyToken, {
          birthDate: '1980-01-15',
          cohort: 'general',
          shareMedicationDetailsWithFacilitator: false,
          part2Consent: false,
        })
      ).status,
    ).toBe(200);
    const sertraline = {
      medicationId: 'med_acc_3',
      rxnormCode: '36437',
      name: 'sertraline',
      dailyDose: 50,
      doseUnit: 'mg',
      route: 'oral',
      frequency: 'daily',
      prescriberId: psy,
    };
    expect((await http('POST', `/api/liaison/members/${groupOnly}/medications`, psyToken, sertraline)).status).toBe(
      202,
    );
    const copies = await waitFor(
      async () => {
        const rows = await sql<{ recipient_role: string; recipient_id: string | null }>(
          "SELECT recipient_role, recipient_id FROM liaison_alert WHERE member_id = $1 AND rule = 'antidepressant-change'",
          [groupOnly],
        );
        return rows.length >= 2 ? rows : undefined;
      },
      { timeoutMs: 30_000, description: 'the sertraline alerts of the member known only by their group' },
    );
    expect(Object.fromEntries(copies.map((c) => [c.recipient_role, c.recipient_id]))).toEqual({
      'attending-psychiatrist': psy,
      facilitator: fac,
    });
  });

  it('opens a clinician’s inbox to that clinician only', async () => {
    const inbox = `/api/liaison/clinicians/${psy}/alerts`;
    expect((await http('GET', inbox, await who.psy())).status).toBe(200);
    for (const name of ['outsider', 'fac', 'lead', 'admin', 'unrelatedScope'])
      expect([name, (await http('GET', inbox, await who[name]!())).status]).toEqual([name, 403]);
  });

  it('refuses an expired token and a token for another service with 401', async () => {
    const expired = await issuer.sign(psy, { carecircle_role: 'clinician' }, { audience: AUDIENCE, expiresIn: -60 });
    const elsewhere = await issuer.sign(psy, { carecircle_role: 'clinician' }, { audience: 'carecircle-outcomes' });
    for (const token of [expired, elsewhere, undefined])
      expect((await http('GET', `/api/liaison/members/${member}/alerts`, token)).status).toBe(401);
  });

  it('gives a facilitator the facilitator copy only, with no drug, dose or reason anywhere', async () => {
    const psyToken = await who.psy();
    expect(
      (
        await http('POST', `/api/liaison/alerts/${psyAlert}/acknowledgement`, psyToken, {
          outcome: 'overridden',
          reason: OVERRIDE_REASON,
        })
      ).status,
    ).toBe(200);
    const clinicianView = await http('GET', `/api/liaison/members/${member}/alerts`, psyToken);
    expect(clinicianView.text).toMatch(/sertraline/); // the seeded detail is there for the care team
    const facToken = await who.fac();
    const bodies: string[] = [];
    const asFac = async (method: string, path: string, body?: unknown) => {
      const response = await http(method, path, facToken, body);
      bodies.push(response.text);
      return response;
    };
    const list = await asFac('GET', `/api/liaison/members/${member}/alerts`);
    expect(list.status).toBe(200);
    expect(list.body.length).toBeGreaterThan(0);
    expect(list.body.every((a: { recipientRole: string }) => a.recipientRole === 'facilitator')).toBe(true);
    expect(list.body.map((a: { alertId: string }) => a.alertId)).toContain(facAlert);
    expect((await asFac('GET', `/api/liaison/alerts/${psyAlert}`)).status).toBe(404);
    expect((await asFac('GET', `/api/liaison/alerts/${facAlert}`)).status).toBe(200);
    expect(
      (await asFac('POST', `/api/liaison/alerts/${psyAlert}/acknowledgement`, { outcome: 'accepted' })).status,
    ).toBe(403);
    expect((await asFac('POST', `/api/liaison/alerts/${psyAlert}/resolution`, {})).status).toBe(403);
    for (const path of [
      `/api/liaison/members/${member}/communications`,
      `/api/liaison/alerts/${psyAlert}/deliveries`,
      `/api/liaison/alerts/${facAlert}/deliveries`,
    ]) {
      expect((await asFac('GET', path)).status).toBe(403);
    }
    expect(
      (await asFac('POST', `/api/liaison/alerts/${facAlert}/acknowledgement`, { outcome: 'accepted' })).status,
    ).toBe(200);
    await until(
      'the facilitator copy to show as acknowledged',
      async () => (await asFac('GET', `/api/liaison/alerts/${facAlert}`)).body.status === 'acknowledged',
    );
    for (const body of bodies) {
      expect(body).not.toMatch(DRUG);
      expect(body).not.toContain(OVERRIDE_REASON);
    }
    // Another group's facilitator gets nothing, not even the facilitator copy.
    const other = await who.otherFac();
    expect((await http('GET', `/api/liaison/alerts/${facAlert}`, other)).status).toBe(403);
    expect((await http('POST', `/api/liaison/alerts/${facAlert}/resolution`, other, {})).status).toBe(403);
  });

  it('lets only admins and CareTeam-scoped clients change the care team: a clinician cannot add themselves', async () => {
    const put = async (token: string, clinicianId: string) =>
      (await http('PUT', `/api/liaison/members/${member}/care-team`, token, { clinicianId, role: 'physician' })).status;
    expect(await put(await who.outsider(), outsider)).toBe(403);
    expect(await put(await who.psy(), outsider)).toBe(403);
    expect(await put(await who.fac(), fac)).toBe(403);
    expect(await put(await who.smart(), outsider)).toBe(403);
    expect(
      (
        await http(
          'DELETE',
          `/api/liaison/members/${member}/care-team/attending-psychiatrist/${psy}`,
          await who.outsider(),
        )
      ).status,
    ).toBe(403);
    expect(await put(await client('system/CareTeam.u'), 'clin_acc_scoped_01')).toBe(200);
    expect(await careTeamRows(member, outsider)).toEqual([]);
  });

  it('never turns a prescriber into a care-team member (EHR order or recorded medication naming them)', async () => {
    const writer = await client('system/MedicationRequest.u');
    const named = {
      medicationId: 'med_acc_2',
      rxnormCode: '41493',
      name: 'escitalopram',
      dailyDose: 10,
      doseUnit: 'mg',
      route: 'oral',
      frequency: 'daily',
      prescriberId: outsider,
    };
    expect((await http('POST', `/api/liaison/members/${member}/medications`, writer, named)).status).toBe(202);
    expect(
      (
        await http('POST', `/api/liaison/members/${member}/medications`, await who.outsider(), {
          ...named,
          medicationId: 'med_acc_3',
        })
      ).status,
    ).toBe(403);
    const ordered = {
      ...gatewayFixtures.MedicationOrdered,
      eventId: randomUUID(),
      subject: member,
      payload: { ...gatewayFixtures.MedicationOrdered.payload, resourceId: randomUUID(), requesterId: outsider },
    };
    await send(Topics.gatewayIngest, member, ordered);
    await until(
      'the EHR order to be recorded',
      async () =>
        (
          await sql("SELECT 1 FROM event_store.events WHERE type = 'MedicationStarted' AND stream_id = $1", [
            `coordination-${member}`,
          ])
        ).length >= 3,
    );
    expect(
      await sql(
        "SELECT 1 FROM event_store.events WHERE type = 'CareTeamMemberAssigned' AND data->>'clinicianId' = $1",
        [outsider],
      ),
    ).toEqual([]);
    expect(await careTeamRows(member, outsider)).toEqual([]);
    expect((await http('GET', `/api/liaison/members/${member}/alerts`, await who.outsider())).status).toBe(403);
  });

  it('puts an in-progress encounter’s participants on the care team until discharge', async () => {
    const attending = 'clin_acc_enc_01';
    const path = `/api/liaison/members/${otherMember}/alerts`;
    const token = await as(attending, 'clinician');
    const encounter = (status: string) => ({
      ...gatewayFixtures.EncounterRecorded,
      eventId: randomUUID(),
      subject: otherMember,
      payload: {
        ...gatewayFixtures.EncounterRecorded.payload,
        status,
        period: { start: new Date().toISOString() },
        participants: [{ clinician: attending }],
      },
    });
    expect((await http('GET', path, token)).status).toBe(403);
    await send(Topics.gatewayIngest, otherMember, encounter('in-progress'));
    await until(
      'the encounter participant to reach the care team',
      async () => (await http('GET', path, token)).status === 200,
    );
    await send(Topics.gatewayIngest, otherMember, encounter('finished'));
    await until(
      'discharge to end the participant’s access',
      async () => (await http('GET', path, token)).status === 403,
    );
    expect(await careTeamRows(otherMember, attending)).toEqual([]);
  });

  it('opens break-the-glass to a clinician off the team for a window, tells the care team, keeps the note off the bus and logs', async () => {
    const path = `/api/liaison/members/${member}/alerts`;
    const token = await who.outsider();
    expect((await http('GET', path, token)).status).toBe(403);
    const body = { reasonCode: 'safety-concern', note: NOTE };
    expect((await http('POST', `/api/liaison/members/${member}/emergency-access`, await who.psy(), body)).status).toBe(
      409,
    ); // on the team already
    expect((await http('POST', `/api/liaison/members/${member}/emergency-access`, await who.fac(), body)).status).toBe(
      403,
    );
    expect(
      (
        await http('POST', `/api/liaison/members/${member}/emergency-access`, token, {
          reasonCode: 'curiosity',
          note: NOTE,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await http('POST', `/api/liaison/members/${member}/emergency-access`, token, {
          reasonCode: 'safety-concern',
          note: '',
        })
      ).status,
    ).toBe(400);
    const before = Date.now();
    const opened = await http('POST', `/api/liaison/members/${member}/emergency-access`, token, body);
    expect(opened.status).toBe(201);
    expect(Date.parse(opened.body.expiresAt) - before).toBeGreaterThan(239 * 60_000);
    expect(Date.parse(opened.body.expiresAt) - before).toBeLessThanOrEqual(241 * 60_000);
    await until('the emergency access to be projected', async () => (await http('GET', path, token)).status === 200);
    // A second opening is a new window from now, not an added one.
    const again = await http('POST', `/api/liaison/members/${member}/emergency-access`, token, body);
    expect(again.status).toBe(201);
    expect(Date.parse(again.body.expiresAt) - Date.now()).toBeLessThanOrEqual(240 * 60_000);

    // The care team (as it is now) is told, once per opening, each member in their own inbox.
    const notices = await waitFor(
      async () => {
        const rows = await sql<{ recipient_id: string; severity: string; summary: string }>(
          "SELECT recipient_id, severity, summary FROM liaison_alert WHERE member_id = $1 AND rule = 'emergency-access-opened' ORDER BY raised_at, recipient_id",
          [member],
        );
        return rows.length >= 8 ? rows : undefined;
      },
      { timeoutMs: 30_000, description: 'the care team to be told of both openings' },
    );
    // Not the removed physician nor the lapsed one: the care team at the time of the opening.
    expect(notices).toHaveLength(8);
    expect(new Set(notices.map((n) => n.recipient_id))).toEqual(new Set([psy, fac, ehrPhys, 'clin_acc_scoped_01']));
    expect(
      notices.every((n) => n.severity === 'info' && n.summary.includes(outsider) && !n.summary.includes(NOTE)),
    ).toBe(true);
    const inbox = await http('GET', `/api/liaison/clinicians/${psy}/alerts`, await who.psy());
    expect(inbox.body.some((a: { rule: string }) => a.rule === 'emergency-access-opened')).toBe(true);

    await until('EmergencyAccessOpened on the bus', async () =>
      published.some((m) => m.includes('"EmergencyAccessOpened"')),
    );
    expect(
      published.filter((m) => m.includes('"EmergencyAccessOpened"')).every((m) => m.includes('"safety-concern"')),
    ).toBe(true);
    expect(published.join('\n')).not.toContain(NOTE);
    expect(logs.lines.length).toBeGreaterThan(0); // the capture sees the service's log lines
    expect(JSON.stringify(logs.lines)).not.toContain(NOTE);
    // The note is kept, in liaison's own store.
    expect(
      (
        await sql("SELECT 1 FROM event_store.events WHERE type = 'EmergencyAccessOpened' AND data->>'note' = $1", [
          NOTE,
        ])
      ).length,
    ).toBe(2);
  });

  it('takes a distress report from the facilitator of the member’s group or a care-team clinician, nobody else', async () => {
    const report = (reportId: string) => ({
      reportId,
      groupId: group,
      observedAt: new Date(Date.now() - 60_000).toISOString(),
    });
    // The outsider holds break-the-glass by now: a clinician never on the team stands for them.
    const callers: Record<string, Who> = { ...who, stranger: () => as('clin_acc_out_02', 'clinician') };
    const post = async (name: string, reportId: string) =>
      (await http('POST', `/api/liaison/members/${member}/distress-reports`, await callers[name]!(), report(reportId)))
        .status;
    const expected: Record<string, number> = {
      fac: 202,
      psy: 202,
      ehrPhys: 202,
      otherFac: 403,
      stranger: 403,
      phys: 403,
      lapsed: 403,
      lead: 403,
      unrelatedScope: 403,
    };
    for (const [name, status] of Object.entries(expected))
      expect([name, await post(name, `acc-report-${name}`)]).toEqual([name, status]);
    expect(
      (
        await http('POST', `/api/liaison/members/${member}/distress-reports`, await who.fac(), {
          ...report('acc-report-bad'),
          observedAt: 'soon',
        })
      ).status,
    ).toBe(400);
    // Three accepted reports, three critical alerts to the attending psychiatrist; the refused ones recorded nothing.
    const alerts = await waitFor(
      async () => {
        const rows = await sql<{ recipient_id: string; severity: string }>(
          "SELECT recipient_id, severity FROM liaison_alert WHERE member_id = $1 AND rule = 'acute-distress'",
          [member],
        );
        return rows.length >= 3 ? rows : undefined;
      },
      { timeoutMs: 30_000, description: 'the distress alerts' },
    );
    expect(alerts).toEqual([psy, psy, psy].map((recipient_id) => ({ recipient_id, severity: 'critical' })));
    const recorded = await sql<{ source: string }>(
      "SELECT data->'fact'->>'reportId' AS source FROM event_store.events WHERE stream_id = $1 AND data->'fact'->>'kind' = 'distress-reported' ORDER BY 1",
      [`coordination-${member}`],
    );
    expect(recorded.map((r) => r.source)).toEqual([
      'report:acc-report-ehrPhys',
      'report:acc-report-fac',
      'report:acc-report-psy',
    ]);
  });

  it('lets a psychiatrist named only by the EHR’s CareTeam read and acknowledge the critical alert addressed to them', async () => {
    const ehrOnly = 'mbr_int_access_0003';
    const ehrPsy = 'clin_acc_ehrpsy_01';
    const token = await as(ehrPsy, 'clinician');
    await send(Topics.gatewayIngest, ehrOnly, {
      ...gatewayFixtures.CareTeamUpdated,
      eventId: randomUUID(),
      subject: ehrOnly,
      payload: {
        ...gatewayFixtures.CareTeamUpdated.payload,
        participants: [{ roles: [{ system: 'http://snomed.info/sct', code: '80584001' }], clinician: ehrPsy }],
      },
    });
    await send(Topics.gatewayIngest, ehrOnly, {
      ...gatewayFixtures.FlagRecorded,
      eventId: randomUUID(),
      subject: ehrOnly,
      payload: { ...gatewayFixtures.FlagRecorded.payload, resourceId: randomUUID() },
    });
    const path = `/api/liaison/members/${ehrOnly}/alerts`;
    const listed = await waitFor(
      async () => {
        const answer = await http('GET', path, token);
        return answer.status === 200 && answer.body.some((a: { rule: string }) => a.rule === 'acute-distress')
          ? (answer.body as { alertId: string; rule: string; recipientId: string; severity: string }[])
          : undefined;
      },
      { timeoutMs: 60_000, description: 'the EHR-named psychiatrist to read the distress alert' },
    );
    const alert = listed.find((a) => a.rule === 'acute-distress')!;
    expect(alert).toMatchObject({ recipientId: ehrPsy, severity: 'critical' });
    expect((await http('GET', `/api/liaison/alerts/${alert.alertId}`, token)).status).toBe(200);
    expect(
      (await http('POST', `/api/liaison/alerts/${alert.alertId}/acknowledgement`, token, { outcome: 'accepted' }))
        .status,
    ).toBe(200);
    await until(
      'the acknowledgement to reach the inbox',
      async () => (await http('GET', `/api/liaison/alerts/${alert.alertId}`, token)).body.status === 'acknowledged',
    );
    // Someone else's token is still refused.
    expect(
      (
        await http('POST', `/api/liaison/alerts/${alert.alertId}/acknowledgement`, await who.outsider(), {
          outcome: 'accepted',
        })
      ).status,
    ).toBe(403);
  });
});
