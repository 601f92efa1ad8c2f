import { MemberEnrolled, MemberWithdrew, Topics, fixtures } from '@carecircle/contracts';
import type { EntityManager } from 'typeorm';
import { silentLogger } from '../logging/messaging-logger';
import type { DeadLetter } from './dead-letter.publisher';
import { describeErrorSafely } from './error-summary';
import { on } from './event-route';
import type { HandleOutcome } from './handle-outcome';
import type { IncomingKafkaMessage } from './incoming-message';
import { IntegrationEventConsumer } from './integration-event-consumer';

/** An inbox that remembers event ids in memory, like the table's primary key. */
function memoryInbox() {
  const seen = new Set<string>();
  return {
    seen,
    handleOnce: async (consumer: string, eventId: string, effect: (tx: EntityManager) => Promise<void>) => {
      if (seen.has(`${consumer}/${eventId}`)) return 'duplicate' as const;
      await effect({} as EntityManager);
      seen.add(`${consumer}/${eventId}`);
      return 'processed' as const;
    },
  };
}

function message(value: unknown, offset = '0'): IncomingKafkaMessage {
  const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(JSON.stringify(value));
  return {
    topic: Topics.enrollment,
    partition: 2,
    offset,
    key: 'mbr_synthetic_0001',
    value: bytes,
    headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  };
}

function setUp(effect: (eventId: string) => Promise<void> = async () => undefined, attempts = 3) {
  const inbox = memoryInbox();
  const deadLetters: DeadLetter[] = [];
  const delays: number[] = [];
  const outcomes: HandleOutcome[] = [];
  const consumer = new IntegrationEventConsumer({
    consumerGroup: 'scheduling',
    inbox,
    deadLetters: { publish: async (letter) => void deadLetters.push(letter) },
    retry: { attempts, initialDelayMs: 10, maxDelayMs: 25, multiplier: 2 },
    sleep: async (ms) => void delays.push(ms),
    logger: silentLogger,
    onOutcome: (outcome) => outcomes.push(outcome),
  });
  const handler = consumer.forTopic(Topics.enrollment, {
    routes: [on(MemberEnrolled, (event) => effect(event.eventId))],
    ignore: ['ReferralReceived'],
  });
  return { handler, inbox, deadLetters, delays, outcomes };
}

describe('TopicHandler: parse → inbox → effect, retries, dead letters', () => {
  it('runs the effect of a routed event once and reports a redelivery as a duplicate', async () => {
    const effects: string[] = [];
    const { handler, outcomes } = setUp(async (id) => void effects.push(id));
    await handler.handle(message(fixtures.MemberEnrolled));
    await handler.handle(message(fixtures.MemberEnrolled, '1'));
    expect(effects).toEqual([fixtures.MemberEnrolled.eventId]);
    expect(outcomes.map((o) => o.status)).toEqual(['processed', 'duplicate']);
    expect(outcomes[0]).toMatchObject({
      eventId: fixtures.MemberEnrolled.eventId,
      type: 'MemberEnrolled',
      attempts: 1,
      partition: 2,
      offset: '0',
    });
  });

  it('accepts a value Nest already parsed into an object', async () => {
    const { handler } = setUp();
    const outcome = await handler.handle({ ...message(null), value: fixtures.MemberEnrolled });
    expect(outcome.status).toBe('processed');
  });

  it('records types without a route as ignored, saying whether the consumer declared them', async () => {
    const { handler, deadLetters } = setUp();
    expect(await handler.handle(message(fixtures.ReferralReceived))).toMatchObject({
      status: 'ignored',
      ignoredBecause: 'declared',
      type: 'ReferralReceived',
    });
    expect(await handler.handle(message(fixtures.MemberWithdrew))).toMatchObject({
      status: 'ignored',
      ignoredBecause: 'unknown',
      type: 'MemberWithdrew',
    });
    expect(deadLetters).toHaveLength(0);
  });

  it.each([
    ['not JSON', 'not json {', 'UnreadableMessageError', 'value is not JSON'],
    ['not an envelope', { hello: 'world' }, 'InvalidEnvelopeError', 'envelope: eventId: invalid_type'],
    [
      'a payload breaking its contract',
      { ...fixtures.MemberEnrolled, payload: { groupId: 42 } },
      'InvalidPayloadError',
      'MemberEnrolled: payload.referralId: invalid_type',
    ],
  ])(
    'dead-letters a message that is %s at once, without running the effect',
    async (_, value, errorClass, errorMessage) => {
      const effect = jest.fn(async () => undefined);
      const { handler, deadLetters, delays } = setUp(effect);
      const outcome = await handler.handle(message(value));
      expect(outcome).toMatchObject({ status: 'dead-lettered', attempts: 0, errorClass });
      expect(effect).not.toHaveBeenCalled();
      expect(delays).toEqual([]);
      expect(deadLetters[0]?.failure.errorClass).toBe(errorClass);
      expect(deadLetters[0]?.failure.errorMessage.startsWith(errorMessage)).toBe(true);
    },
  );

  it('retries a failing effect with capped exponential backoff and succeeds', async () => {
    let calls = 0;
    const { handler, delays } = setUp(async () => {
      if (++calls < 3) throw new Error('flaky');
    });
    const outcome = await handler.handle(message(fixtures.MemberEnrolled));
    expect(outcome).toMatchObject({ status: 'processed', attempts: 3 });
    expect(delays).toEqual([10, 20]);
  });

  it('dead-letters after the last attempt, naming the error class without its message, and returns normally', async () => {
    const { handler, deadLetters, delays, inbox } = setUp(async () => {
      throw new Error('invalid input syntax for type uuid: "Jane Doe"');
    }, 4);
    const outcome = await handler.handle(message(fixtures.MemberEnrolled, '7'));
    expect(outcome).toMatchObject({ status: 'dead-lettered', attempts: 4, errorClass: 'Error' });
    expect(delays).toEqual([10, 20, 25]);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({ consumerGroup: 'scheduling', attempts: 4, message: { offset: '7' } });
    expect(deadLetters[0]?.failure.errorMessage).not.toContain('Jane');
    expect(inbox.seen.size).toBe(0);
  });

  it('leaves a message for redelivery instead of dead-lettering it while the database is unreachable', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const { handler, deadLetters } = setUp(async () => {
      throw down;
    });
    await expect(handler.handle(message(fixtures.MemberEnrolled))).rejects.toBe(down);
    expect(deadLetters).toHaveLength(0);
  });

  it('rejects when the dead letter itself cannot be published, so the message is redelivered', async () => {
    const consumer = new IntegrationEventConsumer({
      consumerGroup: 'scheduling',
      inbox: memoryInbox(),
      deadLetters: { publish: async () => Promise.reject(new Error('broker down')) },
      logger: silentLogger,
    });
    const handler = consumer.forTopic(Topics.enrollment, { routes: [] });
    await expect(handler.handle(message('garbage'))).rejects.toThrow('broker down');
  });

  it('refuses a second handler for one topic and a type that is both routed and ignored', () => {
    const consumer = new IntegrationEventConsumer({
      consumerGroup: 'g',
      inbox: memoryInbox(),
      deadLetters: { publish: async () => undefined },
      logger: silentLogger,
    });
    consumer.forTopic(Topics.enrollment, { routes: [] });
    expect(() => consumer.forTopic(Topics.enrollment, { routes: [] })).toThrow(/already has a handler/);
    expect(() =>
      consumer.forTopic(Topics.scheduling, {
        routes: [on(MemberWithdrew, async () => undefined)],
        ignore: ['MemberWithdrew'],
      }),
    ).toThrow(/both routed and ignored/);
  });

  it('refuses a message of another topic', async () => {
    const { handler } = setUp();
    await expect(handler.handle({ ...message(fixtures.MemberEnrolled), topic: Topics.outcomes })).rejects.toThrow(
      /received a message of/,
    );
  });
});

describe('describeErrorSafely', () => {
  it('passes codes on but withholds free-text messages that may quote data', () => {
    const pgError = Object.assign(new Error('duplicate key value violates unique constraint "member_pkey"'), {
      code: '23505',
      constraint: 'member_pkey',
    });
    expect(describeErrorSafely(pgError)).toEqual({
      errorClass: 'Error',
      errorMessage: 'code 23505, constraint member_pkey',
    });
    expect(describeErrorSafely(new TypeError('Cannot read properties of undefined (reading "Jane")'))).toEqual({
      errorClass: 'TypeError',
      errorMessage: 'message withheld: it may quote data',
    });
  });
});
