import { ROOT_CONTEXT, context, propagation, trace, type Context, type ContextManager } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { fixtures } from '@carecircle/contracts';
import type { Producer, ProducerBatch } from 'kafkajs';
import { KafkaMessagePublisher, runsByTraceContext } from './message-publisher';
import type { OutgoingMessage } from './outgoing-message';

/** Enough of a context manager for synchronous checks: what is active when sendBatch is called. */
class StackContextManager implements ContextManager {
  private current: Context = ROOT_CONTEXT;
  active = () => this.current;
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    const previous = this.current;
    this.current = ctx;
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.current = previous;
    }
  }
  bind = <T>(_: Context, target: T) => target;
  enable = () => this;
  disable = () => this;
}

const TRACE_A = '00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-00f067aa0ba902b7-01';
const TRACE_B = '00-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-00f067aa0ba902b7-01';

function outgoing(key: string, traceparent?: string): OutgoingMessage {
  return {
    topic: 'carecircle.enrollment.v1',
    key,
    value: fixtures.MemberEnrolled,
    headers: traceparent ? { traceparent } : {},
  };
}

describe('KafkaMessagePublisher', () => {
  afterEach(() => {
    propagation.disable();
    context.disable();
  });

  it('sends each run of messages inside its own trace context, one run after another, acks from all replicas', async () => {
    context.setGlobalContextManager(new StackContextManager());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const calls: { traceId?: string; batch: ProducerBatch }[] = [];
    const producer = {
      sendBatch: async (batch: ProducerBatch) => {
        calls.push({ traceId: trace.getSpanContext(context.active())?.traceId, batch });
        return [];
      },
    } as unknown as Producer;
    await new KafkaMessagePublisher(producer).publish([
      outgoing('m1', TRACE_A),
      outgoing('m2', TRACE_A),
      outgoing('m1', TRACE_B),
      outgoing('m3'),
    ]);
    expect(calls.map((c) => c.traceId)).toEqual(['a'.repeat(32), 'b'.repeat(32), undefined]);
    const [first] = calls;
    expect(first?.batch).toMatchObject({
      acks: -1,
      topicMessages: [
        {
          topic: 'carecircle.enrollment.v1',
          messages: [{ key: 'm1', headers: { traceparent: TRACE_A } }, { key: 'm2' }],
        },
      ],
    });
    expect(JSON.parse(String(first?.batch.topicMessages?.[0]?.messages[0]?.value))).toEqual(fixtures.MemberEnrolled);
  });

  it('sends everything as one run when no propagator is registered (no trace to continue)', () => {
    expect(runsByTraceContext([outgoing('m1', TRACE_A), outgoing('m2', TRACE_B)])).toHaveLength(1);
  });
});
