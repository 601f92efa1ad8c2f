import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { ExpressAdapter } from '@nestjs/platform-express';
import { KafkaContext } from '@nestjs/microservices';
import { DomainErrorFilter } from './domain-error.filter';

describe('DomainErrorFilter outside HTTP', () => {
  it("hands a Kafka handler's error back to the transport unchanged, so the message is redelivered", () => {
    const filter = new DomainErrorFilter(new ExpressAdapter());
    const host = new ExecutionContextHost([{ eventId: 'e1' }, new KafkaContext([] as never)]);
    host.setType('rpc');
    const outage = Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });

    // Before: Nest's HTTP handling ran on the Kafka context and threw "response.status is not a function",
    // a TypeError kafkajs treats as unrecoverable: the consumer crashed and never restarted.
    expect(() => filter.catch(outage, host)).toThrow(outage);
  });
});
