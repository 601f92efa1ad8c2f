import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Producer } from 'kafkajs';
import {
  ConsentReceived,
  fixtures,
  gatewayFixtures,
  GroupFormed,
  ObservationRecorded,
  ReferralRequested,
  Topics,
} from '@carecircle/contracts';
import {
  capacityOf,
  completeDanglingPlacements,
  expireDueOffers,
  lapseEndedEhrConsents,
  openNewGroupsToWaitlists,
} from '@carecircle/enrollment/application';
import { groupSeatsDecider, groupSeatsStreamId } from '@carecircle/enrollment/domain';
import {
  TypeOrmConsentLapseSchedule,
  TypeOrmGroupCatalogue,
  TypeOrmProcessCheckpoint,
} from '@carecircle/enrollment/read-models';
import { handleCommand, systemClock } from '@carecircle/platform/event-sourcing';
import type { EventStore } from '@carecircle/platform/event-store';
import { assertEveryTopicHasHandler, createKafka, createProducer } from '@carecircle/platform/messaging';
import { connectKafkaConsumer, EVENT_STORE, bootstrapService } from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  recordConsents,
  startKafka,
  waitFor,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { fixedClock } from '@carecircle/shared-kernel';
import { AppModule } from './app.module';
import { ENROLLMENT_SUBSCRIPTIONS } from './scheduling-events/scheduling-events.kafka.controller';

jest.setTimeout(90_000);

const groupId = 'grp_int_biweekly_online';
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
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      LOG_LEVEL: 'error',
      ENROLLMENT_OFFER_POLL_MS: '0',
    });
    let server: ReturnType<typeof connectKafkaConsumer> | undefined;
    app = await bootstrapService({
      name: 'enrollment',
      rootModule: AppModule,
      port: 0,
      configure: (nest) => {
        server = connectKafkaConsumer(nest, 'enrollment');
      },
    });
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
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const countEvents = async () =>
    Number((await app!.get(DataSource).query('SELECT count(*) AS n FROM event_store.events'))[0].n);

  async function refer(label: string, facts: object, wantedCondition = 'cancer') {
    const referralId = randomUUID();
    const memberId = `mbr_int_${label}`;
    const referred = await post('/api/enrollment/referrals', {
      referralId,
      memberId,
      referringClinicianId: 'clin_int_01',
      wantedGroupType: 'disease-specific',
      wantedCondition,
      modalityPreference: 'online',
      memberRole: 'patient',
      screeningFacts: facts,
    });
    expect(referred.status).toBe(202);
    for (const kind of ['treatment', 'confidentiality-agreement']) {
      const consent = await post(`/api/enrollment/referrals/${referralId}/consents`, {
        kind,
        agreementVersion: '2026-01',
        sharingScope: ['psychiatrist'],
        recordedBy: 'staff_int_01',
        signedAt: '2026-03-01T10:00:00Z',
      });
      expect(consent.status).toBe(202);
    }
    return { referralId, memberId };
  }

  /** Scheduling forms a group: GroupFormed on Kafka, until enrollment's catalogue knows it. */
  async function formGroup(
    id: string,
    shape: {
      condition: string;
      seats: number;
      cadence: string;
      openness?: 'open' | 'closed';
      firstSessionAt?: string;
      facilitatorIds?: string[];
    },
  ) {
    const formed = GroupFormed.parse({
      ...fixtures.GroupFormed,
      eventId: randomUUID(),
      subject: id,
      payload: {
        ...(fixtures.GroupFormed as { payload: object }).payload,
        groupId: id,
        groupType: 'disease-specific',
        openness: 'open',
        modality: 'online',
        ageBand: { min: 18, max: 90 },
        firstSessionAt: '2030-01-07T17:00:00.000Z',
        ...shape,
      },
    });
    await producer!.send({
      topic: Topics.scheduling,
      acks: -1,
      messages: [{ key: id, value: JSON.stringify(formed) }],
    });
    await waitFor(async () => ((await get(`/api/enrollment/groups/${id}`)).status === 200 ? true : undefined), {
      timeoutMs: 45_000,
      description: `GroupFormed of ${id} to reach the catalogue`,
    });
  }

  const context = (label: string) => ({ correlationId: label, causationId: label });
  const depsAt = (now?: Date) => ({
    store: app!.get<EventStore>(EVENT_STORE),
    clock: now ? fixedClock(now) : systemClock,
    catalogue: new TypeOrmGroupCatalogue(app!.get(DataSource)),
  });

  it('learns a group from scheduling, screens, enrols exactly one of two for the last seat, waitlists, offers and expires', async () => {
    await formGroup(groupId, { condition: 'cancer', seats: 6, cadence: 'biweekly' });

    const members = await Promise.all(['m1', 'm2', 'm3', 'm4', 'm5', 'm6'].map((label) => refer(label, mild)));
    const anxious = await refer('anxious', { ...mild, gad7: 18 });
    const ptsd = await refer('ptsd', { ...mild, pcl5: 45 });
    const held = await refer('item9', { ...mild, phq9: { total: 4, item9: 1 } });

    const heldStatus = await get(`/api/enrollment/referrals/${held.referralId}`);
    expect(heldStatus.body.screening.outcome).toBe('placement-on-hold');
    expect(heldStatus.body.history.map((h: { type: string }) => h.type)).toEqual([
      'ReferralReceived',
      'ScreeningCompleted',
      'PsychiatricEvaluationRequired',
      'ConsentRecorded',
      'ConsentRecorded',
    ]);
    expect(JSON.stringify(heldStatus.body)).not.toMatch(/"item9":|"pcl5":|"gad7":/);

    const proposals = await get(`/api/enrollment/referrals/${anxious.referralId}/proposals`);
    expect(proposals.body.proposals).toEqual([expect.objectContaining({ groupId, placement: 'enrol' })]);

    for (const member of [...members.slice(0, 4), anxious]) {
      expect(
        (await post(`/api/enrollment/groups/${groupId}/enrolments`, { referralId: member.referralId })).status,
      ).toBe(202);
    }
    const before = await countEvents();
    for (const [member, code] of [
      [ptsd, 'enrollment.screening-individual-counseling-first'],
      [held, 'enrollment.screening-placement-on-hold'],
    ] as const) {
      const refused = await post(`/api/enrollment/groups/${groupId}/enrolments`, { referralId: member.referralId });
      expect([refused.status, refused.body.code]).toEqual([422, code]);
    }
    expect(await countEvents()).toBe(before);

    // Two enrolments race for the last seat: exactly one wins; the other is a 409 that writes nothing.
    const [a, b] = [members[4]!, members[5]!];
    const race = await Promise.all(
      [a, b].map((member) => post(`/api/enrollment/groups/${groupId}/enrolments`, { referralId: member.referralId })),
    );
    expect(race.map((r) => r.status).sort()).toEqual([202, 409]);
    const loser = race[0]!.status === 409 ? a : b;
    expect((await get(`/api/enrollment/groups/${groupId}`)).body.roster).toHaveLength(6);
    expect((await post(`/api/enrollment/groups/${groupId}/enrolments`, { referralId: a.referralId })).status).toBe(
      race[0]!.status,
    );

    expect((await post(`/api/enrollment/groups/${groupId}/waitlist`, { referralId: loser.referralId })).status).toBe(
      202,
    );
    const withdrew = await post(`/api/enrollment/groups/${groupId}/withdrawals`, {
      memberId: members[0]!.memberId,
      reason: 'member-request',
    });
    expect(withdrew.status).toBe(202);
    const afterWithdrawal = (await get(`/api/enrollment/groups/${groupId}`)).body;
    expect(afterWithdrawal.offers.map((o: { memberId: string }) => o.memberId)).toEqual([loser.memberId]);

    // The offer lapses once its configured time has passed (an injected clock drives the poll's use case).
    const deps = depsAt(new Date(Date.now() + 49 * 3_600_000));
    expect(await expireDueOffers(deps)(context('poll-1'))).toBe(1);
    const afterExpiry = (await get(`/api/enrollment/groups/${groupId}`)).body;
    expect(afterExpiry.offers).toEqual([]);
    expect(afterExpiry.history.at(-1)).toMatchObject({ type: 'OfferExpired', memberId: loser.memberId });
    expect(await expireDueOffers(deps)(context('poll-2'))).toBe(0);
  });

  it('re-checks eligibility when a seat is offered: a member put on hold keeps their place but is passed over', async () => {
    const id = 'grp_int_recheck';
    await formGroup(id, { condition: 'lymphoma', seats: 6, cadence: 'weekly' });
    const seated = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => refer(`recheck_${n}`, mild, 'lymphoma')));
    for (const member of seated)
      expect((await post(`/api/enrollment/groups/${id}/enrolments`, { referralId: member.referralId })).status).toBe(
        202,
      );
    const [first, second] = [
      await refer('recheck_first', mild, 'lymphoma'),
      await refer('recheck_second', mild, 'lymphoma'),
    ];
    for (const member of [first, second])
      expect((await post(`/api/enrollment/groups/${id}/waitlist`, { referralId: member.referralId })).status).toBe(202);
    // A new screening puts the first in line on hold (PHQ-9 item 9).
    expect(
      (
        await post(`/api/enrollment/referrals/${first.referralId}/screenings`, {
          facts: { ...mild, phq9: { total: 5, item9: 2 } },
        })
      ).status,
    ).toBe(202);

    expect(
      (
        await post(`/api/enrollment/groups/${id}/withdrawals`, {
          memberId: seated[0]!.memberId,
          reason: 'member-request',
        })
      ).status,
    ).toBe(202);
    const afterWithdrawal = (await get(`/api/enrollment/groups/${id}`)).body;
    expect(afterWithdrawal.offers.map((o: { memberId: string }) => o.memberId)).toEqual([second.memberId]);
    expect(afterWithdrawal.waitlist.map((w: { memberId: string }) => w.memberId)).toEqual([first.memberId]);

    // The second is put on hold too before accepting: the acceptance is refused with the reason, nothing written.
    expect(
      (
        await post(`/api/enrollment/referrals/${second.referralId}/screenings`, {
          facts: { ...mild, phq9: { total: 5, item9: 1 } },
        })
      ).status,
    ).toBe(202);
    const before = await countEvents();
    const refused = await post(`/api/enrollment/groups/${id}/offers/${second.memberId}/acceptance`, {});
    expect([refused.status, refused.body.code]).toEqual([422, 'enrollment.no-longer-eligible']);
    expect(refused.body.detail).toMatch(/Placement is on hold/);
    expect(await countEvents()).toBe(before);

    // Once the hold is lifted, the poll offers the next free seat to the first in line again.
    expect((await post(`/api/enrollment/referrals/${first.referralId}/screenings`, { facts: mild })).status).toBe(202);
    expect(
      (
        await post(`/api/enrollment/groups/${id}/withdrawals`, {
          memberId: seated[1]!.memberId,
          reason: 'member-request',
        })
      ).status,
    ).toBe(202);
    expect(
      (await get(`/api/enrollment/groups/${id}`)).body.offers.map((o: { memberId: string }) => o.memberId),
    ).toEqual([second.memberId, first.memberId]);
  });

  it("offers a newly formed group's seats to members waiting on full groups of its kind: urgent first, FIFO, screening respected", async () => {
    const fullId = 'grp_int_melanoma_small';
    await formGroup(fullId, { condition: 'melanoma', seats: 6, cadence: 'monthly' });
    const seated = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => refer(`mel_${n}`, mild, 'melanoma')));
    for (const member of seated)
      expect(
        (await post(`/api/enrollment/groups/${fullId}/enrolments`, { referralId: member.referralId })).status,
      ).toBe(202);
    const anxious = await refer('mel_anxious', { ...mild, gad7: 16 }, 'melanoma');
    const early = await refer('mel_early', mild, 'melanoma');
    const held = await refer('mel_held', mild, 'melanoma');
    const late = await refer('mel_late', mild, 'melanoma');
    const urgent = await refer('mel_urgent', mild, 'melanoma');
    for (const [member, priority] of [
      [anxious, 2],
      [early, 2],
      [held, 2],
      [late, 2],
      [urgent, 1],
    ] as const) {
      expect(
        (await post(`/api/enrollment/groups/${fullId}/waitlist`, { referralId: member.referralId, priority })).status,
      ).toBe(202);
    }
    expect(
      (
        await post(`/api/enrollment/referrals/${held.referralId}/screenings`, {
          facts: { ...mild, phq9: { total: 5, item9: 1 } },
        })
      ).status,
    ).toBe(202);

    // A weekly group of 12 for the same condition: too big and too frequent for severe anxiety; 3 seats to offer.
    const newId = 'grp_int_melanoma_weekly';
    await formGroup(newId, { condition: 'melanoma', seats: 12, cadence: 'weekly' });
    const nine = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => refer(`mel_new_${n}`, mild, 'melanoma')));
    for (const member of nine)
      expect((await post(`/api/enrollment/groups/${newId}/enrolments`, { referralId: member.referralId })).status).toBe(
        202,
      );
    const open = openNewGroupsToWaitlists(depsAt(), new TypeOrmGroupCatalogue(app!.get(DataSource)));
    expect(await open(context('open-1'))).toBe(3);
    const offers = (await get(`/api/enrollment/groups/${newId}`)).body.offers as {
      memberId: string;
      waitingInGroupId: string;
    }[];
    expect(offers.map((o) => [o.memberId, o.waitingInGroupId])).toEqual(
      [urgent, early, late].map((m) => [m.memberId, fullId]),
    );
    expect(await open(context('open-2'))).toBe(0);

    // Accepting moves the member: seated in the new group, off the full group's waitlist, the referral follows.
    expect((await post(`/api/enrollment/groups/${newId}/offers/${early.memberId}/acceptance`, {})).status).toBe(202);
    const full = (await get(`/api/enrollment/groups/${fullId}`)).body;
    expect(full.waitlist.map((w: { memberId: string }) => w.memberId)).toEqual(
      [urgent, anxious, held, late].map((m) => m.memberId),
    );
    expect((await get(`/api/enrollment/referrals/${early.referralId}`)).body.placementGroupId).toBe(newId);
    // One who took a seat elsewhere meanwhile cannot hold two: 409.
    expect(
      (
        await post(`/api/enrollment/groups/${fullId}/withdrawals`, {
          memberId: seated[0]!.memberId,
          reason: 'member-request',
        })
      ).status,
    ).toBe(202);
    expect((await post(`/api/enrollment/groups/${fullId}/offers/${urgent.memberId}/acceptance`, {})).status).toBe(202);
    const twice = await post(`/api/enrollment/groups/${newId}/offers/${urgent.memberId}/acceptance`, {});
    expect([twice.status, twice.body.code]).toEqual([409, 'enrollment.seated-elsewhere']);
  });

  it('completes a placement whose referral append was lost in a crash, so a consent withdrawal still finds the group', async () => {
    const id = 'grp_int_repair';
    await formGroup(id, { condition: 'sarcoma', seats: 6, cadence: 'weekly' });
    const member = await refer('repair', mild, 'sarcoma');
    const deps = depsAt();
    const checkpoint = new TypeOrmProcessCheckpoint(app!.get(DataSource), 'placement-repair-int');
    const repair = completeDanglingPlacements(deps, checkpoint, { batchSize: 50 });
    await repair(context('repair-0')); // catch up with everything recorded so far

    // The first append only, as a process killed between the two would leave it.
    const group = (await deps.catalogue.find(id))!;
    const seat = await handleCommand(deps.store, groupSeatsStreamId(id), groupSeatsDecider, {
      type: 'EnrolInGroup',
      data: {
        group: capacityOf(group, new Date()),
        candidate: { referralId: member.referralId, memberId: member.memberId, memberRole: 'patient' },
      },
      metadata: { now: new Date(), ...context('crash') },
    });
    expect(seat.ok).toBe(true);
    expect((await get(`/api/enrollment/referrals/${member.referralId}`)).body.placementGroupId).toBeNull();

    expect(await repair(context('repair-1'))).toBe(1);
    expect((await get(`/api/enrollment/referrals/${member.referralId}`)).body.placementGroupId).toBe(id);
    expect(await repair(context('repair-2'))).toBe(0);

    expect(
      (
        await post(`/api/enrollment/referrals/${member.referralId}/consents/treatment/withdrawal`, {
          withdrawnBy: 'staff_int_01',
        })
      ).status,
    ).toBe(202);
    const seats = (await get(`/api/enrollment/groups/${id}`)).body;
    expect(seats.roster).toEqual([]);
    expect(seats.history.at(-1)).toMatchObject({ type: 'MemberWithdrew', memberId: member.memberId });
  });

  it('answers bad input with 400 naming the field and unknown ids with 404, writing nothing', async () => {
    const before = await countEvents();
    const bad = await post('/api/enrollment/referrals', {
      referralId: 'x',
      memberId: 'Jane Synthetic',
      referringClinicianId: 'c1',
      wantedGroupType: 'general-emotional-support',
      modalityPreference: 'online',
      memberRole: 'patient',
      screeningFacts: { ...mild, gad7: 99 },
    });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'memberId',
      'referralId',
      'screeningFacts.gad7',
    ]);
    expect(JSON.stringify(bad.body)).not.toContain('Jane Synthetic');
    expect((await get(`/api/enrollment/referrals/${randomUUID()}`)).status).toBe(404);
    expect((await post(`/api/enrollment/groups/grp_unknown/enrolments`, { referralId: randomUUID() })).status).toBe(
      404,
    );
    expect((await get('/api/enrollment/groups/not-a-group')).status).toBe(400);
    expect(await countEvents()).toBe(before);
  });

  it("turns an EHR referral from the gateway into a referral screened on the same member's scores; redelivery changes nothing, revisions update", async () => {
    const memberId = 'mbr_int_gateway_referral';
    const observed = (resourceId: string, code: string, value: number, revision = 1) =>
      ObservationRecorded.parse({
        ...gatewayFixtures.ObservationRecorded,
        eventId: randomUUID(),
        subject: memberId,
        payload: {
          ...gatewayFixtures.ObservationRecorded.payload,
          resourceId,
          revision,
          codes: [{ system: 'http://loinc.org', code }],
          value: { value },
        },
      });
    const requested = (revision: number, status: string) =>
      ReferralRequested.parse({
        ...gatewayFixtures.ReferralRequested,
        eventId: randomUUID(),
        subject: memberId,
        payload: {
          ...gatewayFixtures.ReferralRequested.payload,
          revision,
          status,
          reasonCodes: [{ system: 'http://snomed.info/sct', code: '93761005' }],
        },
      });
    const send = (...events: { eventId: string; subject: string }[]) =>
      producer!.send({
        topic: Topics.gatewayIngest,
        acks: -1,
        messages: events.map((e) => ({ key: e.subject, value: JSON.stringify(e) })),
      });
    const [phq9Id, item9Id, gad7Id] = [randomUUID(), randomUUID(), randomUUID()];
    const referralId = gatewayFixtures.ReferralRequested.payload.resourceId;
    const referral = async () => (await get(`/api/enrollment/referrals/${referralId}`)).body;
    const outcome = (expected: string) => async () =>
      (await referral()).screening?.outcome === expected ? referral() : undefined;

    // Scores first, the referral after them: screened as soon as the referral arrives.
    const first = [
      observed(phq9Id, '44261-6', 12),
      observed(item9Id, '44260-8', 0),
      observed(gad7Id, '70274-6', 16),
      requested(1, 'active'),
    ];
    await send(...first);
    const screened = await waitFor(outcome('eligible-with-constraints'), {
      timeoutMs: 45_000,
      description: 'the EHR referral to be received and screened',
    });
    expect(screened).toMatchObject({
      memberId,
      status: 'referred',
      screening: { constraints: { maxGroupSeats: 8, allowedCadences: ['biweekly', 'monthly'] } },
    });
    expect(screened.history.map((h: { type: string }) => h.type)).toEqual(['ReferralReceived', 'ScreeningCompleted']);
    const stored = await countEvents();

    // Redelivered (same event ids) and re-posted (same resource revisions, new event ids); then item 9
    // corrected to 1 (revision 2), which as the member's last message also shows the ones before it were handled.
    await send(
      ...first,
      ...first.map((event) => ({ ...event, eventId: randomUUID() })),
      observed(item9Id, '44260-8', 1, 2),
    );
    const held = await waitFor(outcome('placement-on-hold'), {
      timeoutMs: 45_000,
      description: 'the corrected item 9 to put the placement on hold',
    });
    expect(held.history.map((h: { type: string }) => h.type)).toEqual([
      'ReferralReceived',
      'ScreeningCompleted',
      'ScreeningCompleted',
      'PsychiatricEvaluationRequired',
    ]);
    expect(await countEvents()).toBe(stored + 3); // the noted revision, the re-screening and the psychiatrist's task
    expect(JSON.stringify(held)).not.toMatch(/"item9":|"gad7":|"phq9":/);

    // The first revision re-posted changes nothing; the referrer then revokes the ServiceRequest (revision 2): the referral is cancelled.
    const beforeRevocation = await countEvents();
    await send({ ...first[3]!, eventId: randomUUID() }, requested(2, 'revoked'));
    const cancelled = await waitFor(async () => ((await referral()).status === 'cancelled' ? referral() : undefined), {
      timeoutMs: 45_000,
      description: 'the revoked ServiceRequest to cancel the referral',
    });
    expect(cancelled.history.at(-1)).toMatchObject({ type: 'ReferralCancelled' });
    expect(await countEvents()).toBe(beforeRevocation + 2); // the noted revision and the cancellation
    const refused = await get(`/api/enrollment/referrals/${referralId}/proposals`);
    expect([refused.status, refused.body.code]).toEqual([422, 'enrollment.referral-cancelled']);
  });

  it('places an EHR-referred member without a re-screen: age at referral and referrer come from the gateway; without an age, placement asks for one', async () => {
    const id = 'grp_int_ehr_cancer';
    await formGroup(id, { condition: 'cancer', seats: 6, cadence: 'weekly' });
    const { requesterId, ageAtReferral } = gatewayFixtures.ReferralRequested.payload;
    const ehrReferral = async (memberId: string, known: { requesterId?: string; ageAtReferral?: number }) => {
      const referralId = randomUUID();
      const score = (code: string, value: number) =>
        ObservationRecorded.parse({
          ...gatewayFixtures.ObservationRecorded,
          eventId: randomUUID(),
          subject: memberId,
          payload: {
            ...gatewayFixtures.ObservationRecorded.payload,
            resourceId: randomUUID(),
            codes: [{ system: 'http://loinc.org', code }],
            value: { value },
          },
        });
      const { requesterId: _r, ageAtReferral: _a, ...unknown } = gatewayFixtures.ReferralRequested.payload;
      const requested = ReferralRequested.parse({
        ...gatewayFixtures.ReferralRequested,
        eventId: randomUUID(),
        subject: memberId,
        payload: {
          ...unknown,
          ...known,
          resourceId: referralId,
          reasonCodes: [{ system: 'http://snomed.info/sct', code: '93761005' }],
        },
      });
      const events = [score('44261-6', 6), score('44260-8', 0), requested];
      await producer!.send({
        topic: Topics.gatewayIngest,
        acks: -1,
        messages: events.map((e) => ({ key: memberId, value: JSON.stringify(e) })),
      });
      return referralId;
    };
    const aged = await ehrReferral('mbr_int_ehr_aged', { requesterId, ageAtReferral });
    const ageless = await ehrReferral('mbr_int_ehr_ageless', {});
    for (const referralId of [aged, ageless]) {
      await waitFor(
        async () =>
          (await get(`/api/enrollment/referrals/${referralId}`)).body.screening?.outcome === 'eligible'
            ? true
            : undefined,
        {
          timeoutMs: 45_000,
          description: `the EHR referral ${referralId} to be received and screened eligible`,
        },
      );
      await recordConsents(url, referralId);
    }

    // The age the gateway computed from the birth date is enough: no staff re-screen before the seat.
    expect((await post(`/api/enrollment/groups/${id}/enrolments`, { referralId: aged })).status).toBe(202);
    expect(
      (await get(`/api/enrollment/groups/${id}`)).body.roster.map((m: { memberId: string }) => m.memberId),
    ).toEqual(['mbr_int_ehr_aged']);
    const before = await countEvents();
    const refused = await post(`/api/enrollment/groups/${id}/enrolments`, { referralId: ageless });
    expect([refused.status, refused.body.code]).toEqual([422, 'enrollment.age-unknown']);
    expect(await countEvents()).toBe(before);

    // The referrer is the requester's pseudonymous staff id, or the placeholder when the EHR named nobody.
    const referrers = await app!
      .get(DataSource)
      .query(
        `SELECT stream_id, data->>'referringClinicianId' AS referrer FROM event_store.events WHERE type = 'ReferralReceived' AND stream_id = ANY($1) ORDER BY stream_id = $2 DESC`,
        [[`referral-${aged}`, `referral-${ageless}`], `referral-${aged}`],
      );
    expect(referrers.map((r: { referrer: string }) => r.referrer)).toEqual([requesterId, 'ehr-referrer-unknown']);
  });

  it("records and withdraws consents from the EHR's FHIR Consents: placement waits for both, an inactive one frees the seat; redelivery changes nothing", async () => {
    const id = 'grp_int_fhir_consent';
    await formGroup(id, { condition: 'cancer', seats: 6, cadence: 'weekly' });
    const memberId = 'mbr_int_fhir_consent';
    const referralId = randomUUID();
    const [treatmentId, privacyId] = [randomUUID(), randomUUID()];
    const send = (...events: { eventId: string; subject: string }[]) =>
      producer!.send({
        topic: Topics.gatewayIngest,
        acks: -1,
        messages: events.map((e) => ({ key: e.subject, value: JSON.stringify(e) })),
      });
    const score = (code: string, value: number) =>
      ObservationRecorded.parse({
        ...gatewayFixtures.ObservationRecorded,
        eventId: randomUUID(),
        subject: memberId,
        payload: {
          ...gatewayFixtures.ObservationRecorded.payload,
          resourceId: randomUUID(),
          codes: [{ system: 'http://loinc.org', code }],
          value: { value },
        },
      });
    const requested = ReferralRequested.parse({
      ...gatewayFixtures.ReferralRequested,
      eventId: randomUUID(),
      subject: memberId,
      payload: {
        ...gatewayFixtures.ReferralRequested.payload,
        resourceId: referralId,
        reasonCodes: [{ system: 'http://snomed.info/sct', code: '93761005' }],
      },
    });
    const consent = (resourceId: string, kind: 'treatment' | 'patient-privacy', revision = 1, status = 'active') =>
      ConsentReceived.parse({
        ...gatewayFixtures.ConsentReceived,
        eventId: randomUUID(),
        subject: memberId,
        payload: {
          ...gatewayFixtures.ConsentReceived.payload,
          resourceId,
          revision,
          status,
          scope: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: kind }],
          categories: [{ system: 'http://loinc.org', code: kind === 'treatment' ? '59284-0' : '57016-8' }],
          dateTime: '2026-03-01T10:00:00Z',
        },
      });
    const referral = async () => (await get(`/api/enrollment/referrals/${referralId}`)).body;
    const enrol = () => post(`/api/enrollment/groups/${id}/enrolments`, { referralId });
    const consentsAre = (expected: string[]) => async () => {
      const current = await referral();
      return JSON.stringify([...(current.consents ?? [])].sort()) === JSON.stringify([...expected].sort())
        ? current
        : undefined;
    };

    // The treatment Consent arrives before the referral: recorded as soon as the referral is received.
    const treatment = consent(treatmentId, 'treatment');
    await send(treatment, score('44261-6', 6), score('44260-8', 0), requested);
    await waitFor(async () => ((await referral()).screening?.outcome === 'eligible' ? true : undefined), {
      timeoutMs: 45_000,
      description: 'the EHR referral to be screened eligible',
    });
    await waitFor(consentsAre(['treatment']), {
      timeoutMs: 45_000,
      description: 'the treatment Consent to be recorded on the referral',
    });
    const missing = await enrol();
    expect([missing.status, missing.body.code]).toEqual([422, 'enrollment.consent-missing']);
    expect(String(missing.body.detail ?? missing.body.message ?? JSON.stringify(missing.body))).toContain(
      'confidentiality-agreement',
    );

    // Redelivered and re-posted (same revision) treatment Consent, then the confidentiality agreement: placement proceeds.
    await send(treatment, { ...treatment, eventId: randomUUID() }, consent(privacyId, 'patient-privacy'));
    const consented = await waitFor(consentsAre(['treatment', 'confidentiality-agreement']), {
      timeoutMs: 45_000,
      description: 'both FHIR Consents to be recorded',
    });
    expect(consented.history.filter((h: { type: string }) => h.type === 'ConsentRecorded')).toHaveLength(2);
    expect((await enrol()).status).toBe(202);
    expect(
      (await get(`/api/enrollment/groups/${id}`)).body.roster.map((m: { memberId: string }) => m.memberId),
    ).toEqual([memberId]);
    const recorded = await app!
      .get(DataSource)
      .query(
        `SELECT data FROM event_store.events WHERE type = 'ConsentRecorded' AND stream_id = $1 ORDER BY stream_version`,
        [`referral-${referralId}`],
      );
    expect(recorded.map((r: { data: Record<string, unknown> }) => r.data)).toEqual(
      ['treatment', 'confidentiality-agreement'].map((kind) =>
        expect.objectContaining({
          kind,
          recordedBy: 'ehr-fhir-consent',
          agreementVersion: 'fhir-consent',
          sharingScope: [],
          signedAt: '2026-03-01T10:00:00.000Z',
        }),
      ),
    );

    // The EHR sets the treatment Consent inactive (revision 2): consent withdrawn, the member leaves the group.
    await send(consent(treatmentId, 'treatment', 2, 'inactive'));
    const withdrawn = await waitFor(consentsAre(['confidentiality-agreement']), {
      timeoutMs: 45_000,
      description: 'the inactive Consent to withdraw treatment consent',
    });
    expect(withdrawn.history.at(-1)).toMatchObject({ type: 'ConsentWithdrawn' });
    // The seat is freed right after the withdrawal is recorded (a second append): wait for it too.
    const seats = await waitFor(
      async () => {
        const group = (await get(`/api/enrollment/groups/${id}`)).body;
        return group.roster.length === 0 ? group : undefined;
      },
      { timeoutMs: 15_000, description: 'the member to leave the group after the FHIR withdrawal' },
    );
    expect(seats.history.at(-1)).toMatchObject({ type: 'MemberWithdrew', memberId });
    const again = await enrol();
    expect([again.status, again.body.code]).toEqual([422, 'enrollment.consent-missing']);
  });

  it("withdraws a FHIR Consent's consent once its provision period ends, once across replicas and restarts; a revision extending the end or a REST re-consent cancels it", async () => {
    const id = 'grp_int_consent_lapse';
    await formGroup(id, { condition: 'cancer', seats: 6, cadence: 'weekly' });
    const endsAt = new Date(Date.now() + 10 * 86_400_000);
    const send = (...events: { eventId: string; subject: string }[]) =>
      producer!.send({
        topic: Topics.gatewayIngest,
        acks: -1,
        messages: events.map((e) => ({ key: e.subject, value: JSON.stringify(e) })),
      });
    const consent = (
      memberId: string,
      resourceId: string,
      kind: 'treatment' | 'patient-privacy',
      revision: number,
      end?: Date,
    ) =>
      ConsentReceived.parse({
        ...gatewayFixtures.ConsentReceived,
        eventId: randomUUID(),
        subject: memberId,
        payload: {
          ...gatewayFixtures.ConsentReceived.payload,
          resourceId,
          revision,
          scope: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: kind }],
          categories: [{ system: 'http://loinc.org', code: kind === 'treatment' ? '59284-0' : '57016-8' }],
          dateTime: '2026-03-01T10:00:00Z',
          period: { start: '2026-03-01', ...(end ? { end: end.toISOString() } : {}) },
        },
      });
    const score = (memberId: string, code: string, value: number) =>
      ObservationRecorded.parse({
        ...gatewayFixtures.ObservationRecorded,
        eventId: randomUUID(),
        subject: memberId,
        payload: {
          ...gatewayFixtures.ObservationRecorded.payload,
          resourceId: randomUUID(),
          codes: [{ system: 'http://loinc.org', code }],
          value: { value },
        },
      });
    const referralOf = async (referralId: string) => (await get(`/api/enrollment/referrals/${referralId}`)).body;
    /** A member referred through the EHR whose treatment Consent ends at `endsAt` and whose confidentiality agreement has no end. */
    const ehrMember = async (label: string) => {
      const memberId = `mbr_int_lapse_${label}`;
      const [referralId, treatmentId] = [randomUUID(), randomUUID()];
      const requested = ReferralRequested.parse({
        ...gatewayFixtures.ReferralRequested,
        eventId: randomUUID(),
        subject: memberId,
        payload: {
          ...gatewayFixtures.ReferralRequested.payload,
          resourceId: referralId,
          reasonCodes: [{ system: 'http://snomed.info/sct', code: '93761005' }],
        },
      });
      await send(
        consent(memberId, treatmentId, 'treatment', 1, endsAt),
        consent(memberId, randomUUID(), 'patient-privacy', 1),
        score(memberId, '44261-6', 6),
        score(memberId, '44260-8', 0),
        requested,
      );
      await waitFor(
        async () => {
          const current = await referralOf(referralId);
          return current.screening?.outcome === 'eligible' && (current.consents ?? []).length === 2 ? true : undefined;
        },
        {
          timeoutMs: 45_000,
          description: `the EHR referral of ${label} to be screened eligible with both FHIR Consents recorded`,
        },
      );
      return { memberId, referralId, treatmentId };
    };
    const lapsing = await ehrMember('ends');
    const extended = await ehrMember('extended');
    const reconsented = await ehrMember('reconsented');
    for (const member of [lapsing, extended])
      expect((await post(`/api/enrollment/groups/${id}/enrolments`, { referralId: member.referralId })).status).toBe(
        202,
      );

    // A newer revision extends the end by 30 days; staff re-consent through REST after the EHR's grant.
    const extendedTo = new Date(endsAt.getTime() + 30 * 86_400_000);
    await send(consent(extended.memberId, extended.treatmentId, 'treatment', 2, extendedTo));
    expect(
      (
        await post(`/api/enrollment/referrals/${reconsented.referralId}/consents`, {
          kind: 'treatment',
          agreementVersion: '2026-01',
          sharingScope: ['psychiatrist'],
          recordedBy: 'staff_int_01',
          signedAt: '2026-03-03T10:00:00Z',
        })
      ).status,
    ).toBe(202);
    await waitFor(
      async () => {
        const rows = (await app!
          .get(DataSource)
          .query(
            `SELECT count(*) AS n FROM event_store.events WHERE stream_id = $1 AND type = 'EhrEvidenceNoted' AND data->>'resourceId' = $2 AND (data->>'revision')::int = 2`,
            [`ehr-intake-${extended.memberId}`, extended.treatmentId],
          )) as { n: string }[];
        return Number(rows[0]!.n) === 1 ? true : undefined;
      },
      { timeoutMs: 45_000, description: 'the revision extending the end to be noted' },
    );

    // Two replicas share the schedule and its checkpoint; the clock is injected.
    const replica = (now: Date) =>
      lapseEndedEhrConsents(
        depsAt(now),
        new TypeOrmProcessCheckpoint(app!.get(DataSource), 'consent-lapse-int'),
        new TypeOrmConsentLapseSchedule(app!.get(DataSource)),
        { batchSize: 100 },
      );
    expect(await replica(new Date(endsAt.getTime() - 1))(context('lapse-early'))).toBe(0);
    const at = new Date(endsAt.getTime() + 1);
    const [first, second] = await Promise.all([replica(at)(context('lapse-a')), replica(at)(context('lapse-b'))]);
    expect(first + second).toBe(1);
    // A restart (a fresh replica) later: nothing more.
    expect(await replica(new Date(endsAt.getTime() + 86_400_000))(context('lapse-restart'))).toBe(0);

    const lapsed = await referralOf(lapsing.referralId);
    expect(lapsed.consents).toEqual(['confidentiality-agreement']);
    const withdrawals = await app!
      .get(DataSource)
      .query(
        `SELECT data FROM event_store.events WHERE type = 'ConsentWithdrawn' AND stream_id = $1 ORDER BY stream_version`,
        [`referral-${lapsing.referralId}`],
      );
    expect(withdrawals.map((r: { data: Record<string, unknown> }) => r.data)).toEqual([
      expect.objectContaining({ kind: 'treatment', withdrawnBy: 'ehr-fhir-consent', memberId: lapsing.memberId }),
    ]);
    const seats = (await get(`/api/enrollment/groups/${id}`)).body;
    expect(seats.roster.map((m: { memberId: string }) => m.memberId)).toEqual([extended.memberId]);
    const left = await app!
      .get(DataSource)
      .query(
        `SELECT data FROM event_store.events WHERE type = 'MemberWithdrew' AND stream_id = $1 ORDER BY stream_version`,
        [`group-seats-${id}`],
      );
    expect(left.map((r: { data: Record<string, unknown> }) => r.data)).toEqual([
      expect.objectContaining({ memberId: lapsing.memberId, reason: 'consent-withdrawn' }),
    ]);

    // Cancelled lapses: the extended Consent and the REST re-consent keep treatment consent...
    expect((await referralOf(extended.referralId)).consents.sort()).toEqual(['confidentiality-agreement', 'treatment']);
    expect((await referralOf(reconsented.referralId)).consents.sort()).toEqual([
      'confidentiality-agreement',
      'treatment',
    ]);
    // ...until the extended end passes; the staff consent does not lapse at all.
    expect(await replica(new Date(extendedTo.getTime() - 1))(context('lapse-before-extended'))).toBe(0);
    expect(await replica(new Date(extendedTo.getTime() + 1))(context('lapse-extended'))).toBe(1);
    expect((await referralOf(extended.referralId)).consents).toEqual(['confidentiality-agreement']);
    expect((await referralOf(reconsented.referralId)).consents.sort()).toEqual([
      'confidentiality-agreement',
      'treatment',
    ]);
    expect((await get(`/api/enrollment/groups/${id}`)).body.roster).toEqual([]);
  });

  it('never leaves a member asked into a started closed group without a place: its next course, else another group, else its waitlist with the reason', async () => {
    const startedAt = '2026-01-05T17:00:00.000Z';
    const later = '2030-02-04T17:00:00.000Z';
    const closed = (condition: string, firstSessionAt: string, facilitatorIds = ['fac_int_closed_01']) => ({
      condition,
      seats: 6,
      cadence: 'weekly',
      openness: 'closed' as const,
      firstSessionAt,
      facilitatorIds,
    });
    const enrol = (groupId: string, referralId: string) =>
      post(`/api/enrollment/groups/${groupId}/enrolments`, { referralId });

    // The next course of the same closed group (same kind and facilitator, starting later): a seat there.
    await formGroup('grp_int_lymphoma_c1', closed('lymphoma', startedAt));
    await formGroup('grp_int_lymphoma_c2', closed('lymphoma', later));
    await formGroup('grp_int_lymphoma_open', {
      condition: 'lymphoma',
      seats: 6,
      cadence: 'weekly',
      facilitatorIds: ['fac_int_other'],
    });
    const first = await refer('closed_next', mild, 'lymphoma');
    const toNext = await enrol('grp_int_lymphoma_c1', first.referralId);
    expect([toNext.status, toNext.body]).toEqual([
      202,
      {
        groupId: 'grp_int_lymphoma_c1',
        referralId: first.referralId,
        status: 'enrolled',
        placedIn: 'grp_int_lymphoma_c2',
        redirect: {
          kind: 'next-course',
          reason: 'closed-group-started',
          message: expect.stringContaining('next course'),
        },
      },
    ]);
    expect(
      (await get('/api/enrollment/groups/grp_int_lymphoma_c2')).body.roster.map(
        (m: { memberId: string }) => m.memberId,
      ),
    ).toEqual([first.memberId]);
    expect((await get(`/api/enrollment/referrals/${first.referralId}`)).body.placementGroupId).toBe(
      'grp_int_lymphoma_c2',
    );
    expect((await enrol('grp_int_lymphoma_c1', first.referralId)).body).toMatchObject({
      status: 'already-enrolled',
      placedIn: 'grp_int_lymphoma_c2',
    });

    // No next course: another group that fits.
    await formGroup('grp_int_leukemia_c1', closed('leukemia', startedAt));
    await formGroup('grp_int_leukemia_open', {
      condition: 'leukemia',
      seats: 6,
      cadence: 'weekly',
      facilitatorIds: ['fac_int_other'],
    });
    const second = await refer('closed_other', mild, 'leukemia');
    const toOther = await enrol('grp_int_leukemia_c1', second.referralId);
    expect([toOther.status, toOther.body]).toMatchObject([
      202,
      {
        status: 'enrolled',
        placedIn: 'grp_int_leukemia_open',
        redirect: { kind: 'other-group', reason: 'closed-group-started' },
      },
    ]);

    // The only matching group: the member waits on its list for the next course, with the reason (enrolment and waitlist alike).
    const onlyId = 'grp_int_glioma_c1';
    await formGroup(onlyId, closed('glioma', startedAt));
    const [third, fourth] = [await refer('closed_wait', mild, 'glioma'), await refer('closed_wait_2', mild, 'glioma')];
    const waiting = await enrol(onlyId, third.referralId);
    expect([waiting.status, waiting.body]).toMatchObject([
      202,
      {
        status: 'waitlisted',
        placedIn: onlyId,
        redirect: { kind: 'waitlist-for-next-course', reason: 'closed-group-started' },
      },
    ]);
    const viaWaitlist = await post(`/api/enrollment/groups/${onlyId}/waitlist`, { referralId: fourth.referralId });
    expect([viaWaitlist.status, viaWaitlist.body]).toMatchObject([
      202,
      { events: ['MemberWaitlisted'], status: 'waitlisted', redirect: { kind: 'waitlist-for-next-course' } },
    ]);
    const before = await countEvents();
    expect((await enrol(onlyId, third.referralId)).body).toMatchObject({
      status: 'already-waitlisted',
      placedIn: onlyId,
    });
    expect(await countEvents()).toBe(before);
    const only = (await get(`/api/enrollment/groups/${onlyId}`)).body;
    expect([only.roster, only.offers, only.waitlist.map((w: { memberId: string }) => w.memberId)]).toEqual([
      [],
      [],
      [third.memberId, fourth.memberId],
    ]);
    const reasons = await app!
      .get(DataSource)
      .query(
        `SELECT data->>'reason' AS reason FROM event_store.events WHERE type = 'MemberWaitlisted' AND stream_id = $1 ORDER BY stream_version`,
        [`group-seats-${onlyId}`],
      );
    expect(reasons).toEqual([{ reason: 'closed-group-started' }, { reason: 'closed-group-started' }]);

    // Scheduling forms the next course: its seats go to the members waiting for it, in order.
    await formGroup('grp_int_glioma_c2', closed('glioma', later));
    await openNewGroupsToWaitlists(
      depsAt(),
      new TypeOrmGroupCatalogue(app!.get(DataSource)),
    )(context('open-next-course'));
    const offers = (await get('/api/enrollment/groups/grp_int_glioma_c2')).body.offers as {
      memberId: string;
      waitingInGroupId: string;
    }[];
    expect(offers.map((o) => [o.memberId, o.waitingInGroupId])).toEqual(
      [third, fourth].map((m) => [m.memberId, onlyId]),
    );
  });
});
