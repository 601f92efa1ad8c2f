import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { fixtures, GroupFormed, Topics } from '@carecircle/contracts';
import { createKafka, createProducer } from '@carecircle/platform/messaging';
import {
  bearerRequests,
  bootstrapService,
  connectKafkaConsumer,
  matrixAnswers,
  MATRIX_PEOPLE,
  matrixTokens,
  startLocalTokenIssuer,
  type LocalTokenIssuer,
  type MatrixCaller,
  type MatrixRoute,
  type MatrixSide,
} from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  startKafka,
  waitFor,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { AppModule } from './app.module';

jest.setTimeout(180_000);

const AUDIENCE = 'carecircle-enrollment';
const OWN = 'mbr_acc_own_01';
const OTHER = 'mbr_acc_other_01';
const GROUP = 'grp_acc_own';
const OTHER_GROUP = 'grp_acc_other';
const mild = {
  age: 48,
  conditions: ['cancer'],
  phq9: { total: 6, item9: 0 },
  gad7: 5,
  pcl5: 10,
  ptsdDiagnosis: false,
  highImpulsivity: false,
  acutePsychogenicDisorder: false,
  suicidalOrHomicidalIntent: false,
  psychosisOrAcuteMania: false,
};

type Who = MatrixCaller;
const PEOPLE = MATRIX_PEOPLE;
type Side = MatrixSide;
// What the handlers answer past the policy for a member who already holds a seat in the group and has no open offer.
const WAITLIST_WHILE_ENROLLED = 202;
const ACCEPT_WHILE_ENROLLED = 202;
const NO_OFFER_TO_DECLINE = 404;

/**
 * Enrollment decides access itself (HTTP, real PostgreSQL, the Kafka mock). Routes that name a referral
 * reach the member through enrollment's own lookup (the referral's first event); groups, enrolments and
 * care teams come from the integration events on the bus, through the relationship projector.
 */
describe('enrollment: who may do what, decided in the service', () => {
  const saved = { ...process.env };
  let kafka: KafkaCluster;
  let db: TestDatabase;
  let issuer: LocalTokenIssuer;
  let app: INestApplication | undefined;
  let producer: Producer | undefined;
  let url: string;
  /** Per side: the referral that is screened, consented and placed; one more whose consent is withdrawn. */
  const referral: Record<Side, string> = { own: randomUUID() as string, other: randomUUID() as string };
  const spareReferral: Record<Side, string> = { own: randomUUID(), other: randomUUID() };

  const token = matrixTokens(() => issuer, AUDIENCE);
  const send = bearerRequests(() => url);
  const read = async (who: Who, path: string, scope = '') => {
    const response = await send('GET', path, await token(who, scope));
    return { status: response.status, text: await response.text() };
  };
  const publish = (topic: string, events: { subject: string }[]) =>
    producer!.send({
      topic,
      acks: -1,
      messages: events.map((event) => ({ key: event.subject, value: JSON.stringify(event) })),
    });
  const member = (side: Side) => (side === 'own' ? OWN : OTHER);
  const group = (side: Side) => (side === 'own' ? GROUP : OTHER_GROUP);
  const referMember = (memberId: string, referralId: string = randomUUID()) => ({
    referralId,
    memberId,
    referringClinicianId: 'clin_acc_referrer_01',
    wantedGroupType: 'disease-specific',
    wantedCondition: 'cancer',
    modalityPreference: 'online',
    memberRole: 'patient',
    screeningFacts: mild,
  });
  const consent = (kind: string) => ({
    kind,
    agreementVersion: '2026-01',
    sharingScope: ['psychiatrist'],
    recordedBy: 'staff_acc_01',
    signedAt: '2026-03-01T10:00:00Z',
  });

  const careTeamOr = (scope: string, name: string, status: number, call: MatrixRoute['call']): MatrixRoute => ({
    name,
    scope,
    allowed: ['careTeam', 'rightScope'],
    status,
    call,
  });
  const routes: MatrixRoute[] = [
    {
      name: 'POST referrals',
      scope: 'system/ServiceRequest.c',
      allowed: ['careTeam', 'otherClinician', 'rightScope'],
      status: 202,
      call: (s, t) => send('POST', '/api/enrollment/referrals', t, referMember(member(s))),
    },
    careTeamOr('system/ServiceRequest.u', 'POST screenings', 202, (s, t) =>
      send('POST', `/api/enrollment/referrals/${referral[s]}/screenings`, t, { facts: mild }),
    ),
    careTeamOr('system/Consent.u', 'POST consents', 202, (s, t) =>
      send('POST', `/api/enrollment/referrals/${referral[s]}/consents`, t, consent('treatment')),
    ),
    careTeamOr('system/Consent.u', 'POST consent withdrawal', 202, (s, t) =>
      send('POST', `/api/enrollment/referrals/${spareReferral[s]}/consents/treatment/withdrawal`, t, {
        withdrawnBy: 'staff_acc_01',
      }),
    ),
    careTeamOr('system/ServiceRequest.r', 'GET referral', 200, (s, t) =>
      send('GET', `/api/enrollment/referrals/${referral[s]}`, t),
    ),
    careTeamOr('system/ServiceRequest.r', 'GET proposals', 200, (s, t) =>
      send('GET', `/api/enrollment/referrals/${referral[s]}/proposals`, t),
    ),
    careTeamOr('system/Group.u', 'POST enrolments', 202, (s, t) =>
      send('POST', `/api/enrollment/groups/${group(s)}/enrolments`, t, { referralId: referral[s] }),
    ),
    careTeamOr('system/Group.u', 'POST waitlist', WAITLIST_WHILE_ENROLLED, (s, t) =>
      send('POST', `/api/enrollment/groups/${group(s)}/waitlist`, t, { referralId: referral[s] }),
    ),
    careTeamOr('system/Group.u', 'POST offer acceptance', ACCEPT_WHILE_ENROLLED, (s, t) =>
      send('POST', `/api/enrollment/groups/${group(s)}/offers/${member(s)}/acceptance`, t),
    ),
    careTeamOr('system/Group.u', 'POST offer decline', NO_OFFER_TO_DECLINE, (s, t) =>
      send('POST', `/api/enrollment/groups/${group(s)}/offers/${member(s)}/decline`, t),
    ),
    // Withdrawn from the group the member is not in (the decision is the member's): nothing changes, so the matrix keeps its relationships.
    careTeamOr('system/Group.u', 'POST withdrawals', 202, (s, t) =>
      send('POST', `/api/enrollment/groups/${group(s === 'own' ? 'other' : 'own')}/withdrawals`, t, {
        memberId: member(s),
        reason: 'member-request',
      }),
    ),
    {
      name: 'GET group',
      scope: 'system/Group.r',
      allowed: ['careTeam', 'otherClinician', 'facilitator', 'lead', 'rightScope'],
      status: 200,
      call: (s, t) => send('GET', `/api/enrollment/groups/${group(s)}`, t),
    },
  ];

  beforeAll(async () => {
    [kafka, db, issuer] = await Promise.all([
      startKafka(),
      createTestDatabase('enrollment_access'),
      startLocalTokenIssuer(),
    ]);
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      LOG_LEVEL: 'error',
      ENROLLMENT_OFFER_POLL_MS: '0',
      AUTH_TRUSTED_ISSUERS: JSON.stringify([{ issuer: issuer.issuer, jwksUri: issuer.jwksUri }]),
      AUTH_REQUIRED: 'true',
    });
    app = await bootstrapService({
      name: 'enrollment',
      rootModule: AppModule,
      port: 0,
      configure: (nest) => void connectKafkaConsumer(nest, 'enrollment'),
    });
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    producer = createProducer(createKafka({ clientId: 'enrollment-access-int', brokers: kafka.brokers }));
    await producer.connect();

    // Scheduling's groups (with their facilitators) and clinician-liaison's care teams, as they publish them.
    const formed = (groupId: string, facilitatorId: string) =>
      GroupFormed.parse({
        ...fixtures.GroupFormed,
        eventId: randomUUID(),
        subject: groupId,
        payload: {
          ...fixtures.GroupFormed.payload,
          groupId,
          facilitatorIds: [facilitatorId],
          openness: 'open',
          modality: 'online',
          seats: 6,
          cadence: 'biweekly',
          ageBand: { min: 18, max: 90 },
          firstSessionAt: '2030-01-07T17:00:00.000Z',
        },
      });
    const assigned = (memberId: string, clinicianId: string) => ({
      ...fixtures.CareTeamMemberAssigned,
      eventId: randomUUID(),
      subject: memberId,
      payload: { ...fixtures.CareTeamMemberAssigned.payload, clinicianId, activeUntil: null },
    });
    await publish(Topics.scheduling, [
      formed(GROUP, PEOPLE.facilitator[0]),
      formed(OTHER_GROUP, PEOPLE.otherFacilitator[0]),
    ]);
    await publish(Topics.clinicianLiaison, [
      assigned(OWN, PEOPLE.careTeam[0]),
      assigned(OTHER, PEOPLE.otherClinician[0]),
    ]);

    // The referrals, from an integration client (which needs no relationship to the member).
    const client = await token('rightScope', 'system/ServiceRequest.c system/Consent.u');
    for (const side of ['own', 'other'] as const) {
      expect(
        (await send('POST', '/api/enrollment/referrals', client, referMember(member(side), referral[side]))).status,
      ).toBe(202);
      expect(
        (await send('POST', '/api/enrollment/referrals', client, referMember(member(side), spareReferral[side])))
          .status,
      ).toBe(202);
      expect(
        (
          await send(
            'POST',
            `/api/enrollment/referrals/${referral[side]}/consents`,
            client,
            consent('confidentiality-agreement'),
          )
        ).status,
      ).toBe(202);
    }
    await waitFor(
      async () => {
        const seen = await Promise.all([
          read('careTeam', `/api/enrollment/referrals/${referral.own}`),
          read('otherClinician', `/api/enrollment/referrals/${referral.other}`),
          read('facilitator', `/api/enrollment/groups/${GROUP}`),
          read('otherFacilitator', `/api/enrollment/groups/${OTHER_GROUP}`),
        ]);
        return seen.every((answer) => answer.status === 200);
      },
      {
        timeoutMs: 60_000,
        intervalMs: 200,
        description: 'care teams and facilitators through the projector, groups in the catalogue',
      },
    );
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    process.env = saved;
    await Promise.all([db?.drop(), issuer?.stop()]);
    await kafka?.stop();
  });

  it('answers each caller on each route as the policy says: own member or group, other member or group', async () => {
    const { expected, actual } = await matrixAnswers(routes, token);
    expect(actual).toEqual(expected);
  });

  it('shows a referral only to its member’s care team, and who is in a group only to its facilitators', async () => {
    const mine = await read('careTeam', `/api/enrollment/referrals/${referral.own}`);
    expect(JSON.parse(mine.text)).toMatchObject({ referralId: referral.own, memberId: OWN, placementGroupId: GROUP });
    expect(mine.text).not.toContain(OTHER);

    const seats = await read('facilitator', `/api/enrollment/groups/${GROUP}`);
    expect(seats.text).toContain(OWN);
    expect(seats.text).not.toContain(OTHER);
    for (const who of ['careTeam', 'otherClinician', 'lead'] as const) {
      const counts = await read(who, `/api/enrollment/groups/${GROUP}`);
      expect(counts.status).toBe(200);
      expect(JSON.parse(counts.text)).toEqual({ groupId: GROUP, seats: 6, enrolled: 1, waitlisted: 0, openOffers: 0 });
    }
  });

  it('relates an unknown referral to nobody: people are refused, a scoped client reaches the 404', async () => {
    const unknown = `/api/enrollment/referrals/${randomUUID()}`;
    expect((await read('careTeam', unknown)).status).toBe(403);
    expect((await read('rightScope', unknown, 'system/ServiceRequest.r')).status).toBe(404);
  });

  it('audits each route naming a member with that member and its true outcome: a refusal, and an allowed call the handler answered 422', async () => {
    const enrolments = 'POST /api/enrollment/groups/:groupId/enrolments';
    // Allowed by the policy (the member's care team), refused by the domain: no consent on the spare referral.
    const refused = await send('POST', `/api/enrollment/groups/${GROUP}/enrolments`, await token('careTeam', ''), {
      referralId: spareReferral.own,
    });
    expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([
      422,
      'enrollment.consent-missing',
    ]);
    expect(
      (
        await send('POST', `/api/enrollment/groups/${GROUP}/enrolments`, await token('otherClinician', ''), {
          referralId: spareReferral.own,
        })
      ).status,
    ).toBe(403);
    const audit = (agent: string, outcome: string) =>
      app!
        .get(DataSource)
        .query(`SELECT reason, member_ids FROM access.audit_record WHERE agent = $1 AND route = $2 AND outcome = $3`, [
          agent,
          enrolments,
          outcome,
        ]) as Promise<{ reason: string | null; member_ids: string[] }[]>;
    const answered = await waitFor(
      async () => (await audit(PEOPLE.careTeam[0], 'allowed')).find((row) => row.reason === 'answered-422'),
      {
        timeoutMs: 10_000,
        intervalMs: 50,
        description: 'the 422 of an allowed enrolment on its audit row',
      },
    );
    expect(answered.member_ids).toEqual([OWN]);
    expect((await audit(PEOPLE.otherClinician[0], 'denied')).some((row) => row.member_ids.includes(OWN))).toBe(true);
  });

  it('refuses an expired token and a token for another service with 401', async () => {
    const path = `/api/enrollment/referrals/${referral.own}`;
    const expired = await send('GET', path, await token('careTeam', '', { expiresIn: -60 }));
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ message: 'The bearer token has expired' });
    for (const audience of ['carecircle-outcomes', 'carecircle-gateway']) {
      const response = await send('GET', path, await token('careTeam', '', { audience }));
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ message: 'The bearer token is not meant for this service' });
    }
  });

  it('ends a clinician’s access with CareTeamMemberEnded, and with the member’s withdrawal from their last group', async () => {
    const own = `/api/enrollment/referrals/${referral.own}`;
    expect((await read('careTeam', own)).status).toBe(200);
    const ended = {
      ...fixtures.CareTeamMemberEnded,
      eventId: randomUUID(),
      subject: OWN,
      payload: {
        ...fixtures.CareTeamMemberEnded.payload,
        clinicianId: PEOPLE.careTeam[0],
        endedAt: new Date().toISOString(),
      },
    };
    await publish(Topics.clinicianLiaison, [ended]);
    await waitFor(async () => (await read('careTeam', own)).status === 403, {
      timeoutMs: 30_000,
      intervalMs: 200,
      description: 'CareTeamMemberEnded to end the clinician’s access',
    });

    // Enrollment's own withdrawal, published by its relay, comes back through the projector.
    const other = `/api/enrollment/referrals/${referral.other}`;
    expect((await read('otherClinician', other)).status).toBe(200);
    const withdrawal = await send(
      'POST',
      `/api/enrollment/groups/${OTHER_GROUP}/withdrawals`,
      await token('otherClinician', ''),
      { memberId: OTHER, reason: 'member-request' },
    );
    expect(await withdrawal.json()).toMatchObject({ status: 'withdrawn' });
    await waitFor(async () => (await read('otherClinician', other)).status === 403, {
      timeoutMs: 30_000,
      intervalMs: 200,
      description: 'MemberWithdrew from the last group to end the care team’s access',
    });
    expect((await read('rightScope', other, 'system/ServiceRequest.r')).status).toBe(200);
  });
});
