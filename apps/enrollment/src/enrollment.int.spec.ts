import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Producer } from 'kafkajs';
import { fixtures, GroupFormed, Topics } from '@carecircle/contracts';
import { expireDueOffers } from '@carecircle/enrollment/application';
import { TypeOrmGroupCatalogue } from '@carecircle/enrollment/read-models';
import type { EventStore } from '@carecircle/platform/event-store';
import { assertEveryTopicHasHandler, createKafka, createProducer } from '@carecircle/platform/messaging';
import { connectKafkaConsumer, EVENT_STORE, bootstrapService } from '@carecircle/platform/service-kit';
import { createTestDatabase, startKafka, waitFor, type KafkaCluster, type TestDatabase } from '@carecircle/platform/testing';
import { fixedClock } from '@carecircle/shared-kernel';
import { AppModule } from './app.module';
import { ENROLLMENT_SUBSCRIPTIONS } from './scheduling-events/scheduling-events.kafka.controller';

jest.setTimeout(90_000);

const groupId = 'grp_int_biweekly_online';
const mild = { age: 48, conditions: ['cancer'], phq9: { total: 6, item9: 0 }, gad7: 5, pcl5: 10, ptsdDiagnosis: false, highImpulsivity: false, acutePsychogenicDisorder: false, suicidalOrHomicidalIntent: false, psychosisOrAcuteMania: false };

/**
 * Enrollment in one process with real PostgreSQL and a Kafka-protocol broker: the catalogue learnt from
 * scheduling's GroupFormed, screening, consent, the last seat under concurrency, waitlist and offer expiry.
 */
describe('enrollment service (PostgreSQL + Kafka + HTTP)', () => {
  let kafka: KafkaCluster;
  let db: TestDatabase;
  let app: INestApplication | undefined;
  let producer: Producer | undefined;
  let url: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    [kafka, db] = await Promise.all([startKafka(), createTestDatabase('enrollment_int')]);
    Object.assign(process.env, { DATABASE_URL: db.url, KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_TOPICS_AUTO_CREATED: 'true', LOG_LEVEL: 'error', ENROLLMENT_OFFER_POLL_MS: '0' });
    let server: ReturnType<typeof connectKafkaConsumer> | undefined;
    app = await bootstrapService({ name: 'enrollment', rootModule: AppModule, port: 0, configure: (nest) => { server = connectKafkaConsumer(nest, 'enrollment'); } });
    assertEveryTopicHasHandler(server!, [...ENROLLMENT_SUBSCRIPTIONS]);
    url = await app.getUrl();
    url = url.replace('[::1]', '127.0.0.1');
    producer = createProducer(createKafka({ clientId: 'enrollment-int-scheduling', brokers: kafka.brokers }));
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    process.env = saved;
    await db?.drop();
    await kafka?.stop();
  });

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const countEvents = async () => Number((await app!.get(DataSource).query('SELECT count(*) AS n FROM event_store.events'))[0].n);

  async function refer(label: string, facts: object) {
    const referralId = randomUUID();
    const memberId = `mbr_int_${label}`;
    const referred = await post('/api/enrollment/referrals', {
      referralId, memberId, referringClinicianId: 'clin_int_01', wantedGroupType: 'disease-specific', wantedCondition: 'cancer', modalityPreference: 'online', memberRole: 'patient', screeningFacts: facts,
    });
    expect(referred.status).toBe(202);
    for (const kind of ['treatment', 'confidentiality-agreement']) {
      const consent = await post(`/api/enrollment/referrals/${referralId}/consents`, { kind, agreementVersion: '2026-01', sharingScope: ['psychiatrist'], recordedBy: 'staff_int_01', signedAt: '2026-03-01T10:00:00Z' });
      expect(consent.status).toBe(202);
    }
    return { referralId, memberId };
  }

  it('learns a group from scheduling, screens, enrols exactly one of two for the last seat, waitlists, offers and expires', async () => {
    const formed = GroupFormed.parse({
      ...fixtures.GroupFormed,
      eventId: randomUUID(),
      subject: groupId,
      payload: { ...(fixtures.GroupFormed as { payload: object }).payload, groupId, groupType: 'disease-specific', condition: 'cancer', seats: 6, openness: 'open', modality: 'online', cadence: 'biweekly', ageBand: { min: 18, max: 90 }, firstSessionAt: '2030-01-07T17:00:00.000Z' },
    });
    await producer!.send({ topic: Topics.scheduling, acks: -1, messages: [{ key: groupId, value: JSON.stringify(formed) }] });
    await waitFor(async () => ((await get(`/api/enrollment/groups/${groupId}`)).status === 200 ? true : undefined), { timeoutMs: 45_000, description: 'the GroupFormed event to reach the catalogue' });

    const members = await Promise.all(['m1', 'm2', 'm3', 'm4', 'm5', 'm6'].map((label) => refer(label, mild)));
    const anxious = await refer('anxious', { ...mild, gad7: 18 });
    const ptsd = await refer('ptsd', { ...mild, pcl5: 45 });
    const held = await refer('item9', { ...mild, phq9: { total: 4, item9: 1 } });

    const heldStatus = await get(`/api/enrollment/referrals/${held.referralId}`);
    expect(heldStatus.body.screening.outcome).toBe('placement-on-hold');
    expect(heldStatus.body.history.map((h: { type: string }) => h.type)).toEqual(['ReferralReceived', 'ScreeningCompleted', 'PsychiatricEvaluationRequired', 'ConsentRecorded', 'ConsentRecorded']);
    expect(JSON.stringify(heldStatus.body)).not.toMatch(/"item9":|"pcl5":|"gad7":/);

    const proposals = await get(`/api/enrollment/referrals/${anxious.referralId}/proposals`);
    expect(proposals.body.proposals).toEqual([expect.objectContaining({ groupId, placement: 'enrol' })]);

    for (const member of [...members.slice(0, 4), anxious]) {
      expect((await post(`/api/enrollment/groups/${groupId}/enrolments`, { referralId: member.referralId })).status).toBe(202);
    }
    const before = await countEvents();
    for (const [member, code] of [[ptsd, 'enrollment.screening-individual-counseling-first'], [held, 'enrollment.screening-placement-on-hold']] as const) {
      const refused = await post(`/api/enrollment/groups/${groupId}/enrolments`, { referralId: member.referralId });
      expect([refused.status, refused.body.code]).toEqual([422, code]);
    }
    expect(await countEvents()).toBe(before);

    // Two enrolments race for the last seat: exactly one wins; the other is a 409 that writes nothing.
    const [a, b] = [members[4]!, members[5]!];
    const race = await Promise.all([a, b].map((member) => post(`/api/enrollment/groups/${groupId}/enrolments`, { referralId: member.referralId })));
    expect(race.map((r) => r.status).sort()).toEqual([202, 409]);
    const loser = race[0]!.status === 409 ? a : b;
    expect((await get(`/api/enrollment/groups/${groupId}`)).body.roster).toHaveLength(6);
    expect((await post(`/api/enrollment/groups/${groupId}/enrolments`, { referralId: a.referralId })).status).toBe(race[0]!.status);

    expect((await post(`/api/enrollment/groups/${groupId}/waitlist`, { referralId: loser.referralId })).status).toBe(202);
    const withdrew = await post(`/api/enrollment/groups/${groupId}/withdrawals`, { memberId: members[0]!.memberId, reason: 'member-request' });
    expect(withdrew.status).toBe(202);
    const afterWithdrawal = (await get(`/api/enrollment/groups/${groupId}`)).body;
    expect(afterWithdrawal.offers.map((o: { memberId: string }) => o.memberId)).toEqual([loser.memberId]);

    // The offer lapses once its configured time has passed (an injected clock drives the poll's use case).
    const clock = fixedClock(new Date(Date.now() + 49 * 3_600_000));
    const deps = { store: app!.get<EventStore>(EVENT_STORE), clock, catalogue: new TypeOrmGroupCatalogue(app!.get(DataSource)) };
    expect(await expireDueOffers(deps)({ correlationId: 'poll-1', causationId: 'poll-1' })).toBe(1);
    const afterExpiry = (await get(`/api/enrollment/groups/${groupId}`)).body;
    expect(afterExpiry.offers).toEqual([]);
    expect(afterExpiry.history.at(-1)).toMatchObject({ type: 'OfferExpired', memberId: loser.memberId });
    expect(await expireDueOffers(deps)({ correlationId: 'poll-2', causationId: 'poll-2' })).toBe(0);
  });

  it('answers bad input with 400 naming the field and unknown ids with 404, writing nothing', async () => {
    const before = await countEvents();
    const bad = await post('/api/enrollment/referrals', { referralId: 'x', memberId: 'Jane Synthetic', referringClinicianId: 'c1', wantedGroupType: 'general-emotional-support', modalityPreference: 'online', memberRole: 'patient', screeningFacts: { ...mild, gad7: 99 } });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['memberId', 'referralId', 'screeningFacts.gad7']);
    expect(JSON.stringify(bad.body)).not.toContain('Jane Synthetic');
    expect((await get(`/api/enrollment/referrals/${randomUUID()}`)).status).toBe(404);
    expect((await post(`/api/enrollment/groups/grp_unknown/enrolments`, { referralId: randomUUID() })).status).toBe(404);
    expect((await get('/api/enrollment/groups/not-a-group')).status).toBe(400);
    expect(await countEvents()).toBe(before);
  });
});
