import {
  Body,
  Controller,
  HttpCode,
  Inject,
  Injectable,
  Module,
  Post,
  Query,
  type INestMicroservice,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { trace } from '@opentelemetry/api';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { createHttpAccessLogger } from '../src/logging/http-access-log';
import { createLogger } from '../src/logging/create-logger';
import { PinoNestLogger } from '../src/logging/nest-logger';
import { currentTraceContext, withTraceContext, type TraceContextCarrier } from '../src/tracing/trace-context';
import { PHI, SECRET_TOKEN } from './http-to-kafka.shared';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const topic = env('SCENARIO_TOPIC');
const brokers = env('KAFKA_BROKERS').split(',');

/** Service A's outbox: what the application layer would store with the event. */
const OUTBOX = Symbol('OUTBOX');
type Outbox = TraceContextCarrier[];

@Controller('referrals')
class ReferralController {
  constructor(@Inject(OUTBOX) private readonly outbox: Outbox) {}

  @Post()
  @HttpCode(202)
  async receive(@Query('mrn') mrn: string, @Body() body: { name: string }): Promise<{ accepted: true }> {
    // A query with a parameter that is PHI: the pg span must keep the text, not the value.
    const db = new Client({ connectionString: env('DATABASE_URL') });
    await db.connect();
    await db.query('SELECT $1::text AS mrn, $2::text AS name', [mrn, body.name]);
    await db.end();
    this.outbox.push(currentTraceContext());
    return { accepted: true };
  }
}

@Module({ controllers: [ReferralController], providers: [{ provide: OUTBOX, useValue: [] }], exports: [OUTBOX] })
class ServiceAModule {}

@Injectable()
class Observations {
  handlerTraceId?: string;
  received!: Promise<void>;
  markReceived!: () => void;
  constructor() {
    this.received = new Promise((resolve) => (this.markReceived = resolve));
  }
}

@Controller()
class ReferralConsumer {
  constructor(private readonly observations: Observations) {}

  @EventPattern(topic)
  handle(@Payload() _event: unknown): void {
    this.observations.handlerTraceId = trace.getActiveSpan()?.spanContext().traceId;
    this.observations.markReceived();
  }
}

@Module({ controllers: [ReferralConsumer], providers: [Observations] })
class ServiceBModule {}

export async function runHttpToKafkaScenario(): Promise<{ handlerTraceId?: string; storedTraceparent?: string }> {
  const logger = createLogger('service-a');
  const serviceA = await NestFactory.create(ServiceAModule, { logger: new PinoNestLogger(logger) });
  serviceA.use(createHttpAccessLogger(logger));
  await serviceA.listen(0, '127.0.0.1');
  const relay = new Kafka({ clientId: 'relay', brokers, logLevel: logLevel.NOTHING }).producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: true,
  });
  let serviceB: INestMicroservice | undefined;
  try {
    const response = await fetch(`${await serviceA.getUrl()}/referrals?mrn=${PHI.mrn}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET_TOKEN}` },
      body: JSON.stringify({ name: PHI.name, diagnosis: PHI.diagnosis }),
    });
    if (response.status !== 202) throw new Error(`service A answered ${response.status}`);

    // Later, outside the request: the relay continues the stored trace while it publishes.
    // Publishing before B subscribes also creates the topic, so B's group never starts on a topic without partitions.
    const [stored] = serviceA.get<Outbox>(OUTBOX);
    await relay.connect();
    await withTraceContext(stored, () =>
      relay.send({ topic, messages: [{ key: 'member-1', value: JSON.stringify({ type: 'ReferralReceived' }) }] }),
    );

    serviceB = await startServiceB();
    const observations = serviceB.get(Observations);
    await within(30_000, observations.received, 'service B to handle the message');
    return { handlerTraceId: observations.handlerTraceId, storedTraceparent: stored?.traceparent };
  } finally {
    await relay.disconnect();
    await serviceB?.close();
    await serviceA.close();
  }
}

async function startServiceB(): Promise<INestMicroservice> {
  const serviceB = await NestFactory.createMicroservice<MicroserviceOptions>(ServiceBModule, {
    logger: new PinoNestLogger(createLogger('service-b')),
    transport: Transport.KAFKA,
    options: {
      client: { clientId: 'service-b', brokers, logLevel: logLevel.NOTHING },
      consumer: { groupId: `service-b-${topic}` },
      subscribe: { fromBeginning: true },
      producer: { createPartitioner: Partitioners.DefaultPartitioner },
    },
  });
  await serviceB.listen();
  return serviceB;
}

async function within(ms: number, promise: Promise<void>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
