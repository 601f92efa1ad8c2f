import { Transport } from '@nestjs/microservices';
import { Partitioners, logLevel, type LogEntry } from 'kafkajs';
import type { MessagingLogEntry } from '../logging/messaging-logger';
import { kafkajsLogCreator } from '../logging/kafkajs-log-creator';
import {
  PINNED_PRODUCER_CONFIG,
  createKafka,
  createProducer,
  kafkaClientConfig,
  kafkaSecurityOptions,
} from './kafka-client.factory';
import { applyKafkajsNegativeTimeoutFix } from './kafkajs-negative-timeout.fix';
import { kafkaMicroserviceOptions } from './nest-kafka-options';

describe('Kafka client setup', () => {
  it('pins the partitioner, disables idempotence and keeps one request in flight', () => {
    expect(PINNED_PRODUCER_CONFIG).toEqual({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: false,
      maxInFlightRequests: 1,
    });
    const kafka = createKafka({ clientId: 'unit', brokers: ['127.0.0.1:1'] });
    const producerSpy = jest.spyOn(kafka, 'producer');
    createProducer(kafka, { allowAutoTopicCreation: false, ...({ idempotent: true } as object) });
    expect(producerSpy).toHaveBeenCalledWith({ allowAutoTopicCreation: false, ...PINNED_PRODUCER_CONFIG });
  });

  it('builds Nest options that keep the group id as configured, the bytes of each value and the pinned producer', () => {
    const { transport, options } = kafkaMicroserviceOptions({
      clientId: 'scheduling',
      brokers: ['b:9092'],
      groupId: 'scheduling',
    });
    expect(transport).toBe(Transport.KAFKA);
    expect(options).toMatchObject({
      postfixId: '',
      consumer: { groupId: 'scheduling' },
      client: { clientId: 'scheduling', brokers: ['b:9092'] },
      producer: PINNED_PRODUCER_CONFIG,
      parser: { keepBinary: true },
      subscribe: { fromBeginning: true },
    });
  });

  it('passes TLS and SASL settings to the kafkajs client of producers, admins and Nest consumers alike', () => {
    const sasl = { mechanism: 'scram-sha-512' as const, username: 'carecircle-liaison', password: 'pw-from-a-secret' };
    const caPem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const security = kafkaSecurityOptions({ ssl: true, caPem, sasl });
    expect(security).toEqual({ ssl: { ca: [caPem], rejectUnauthorized: true }, sasl });
    const connection = { clientId: 'clinician-liaison', brokers: ['kafka-0.example.test:9093'], ...security };
    expect(kafkaClientConfig(connection)).toMatchObject({ ssl: { ca: [caPem], rejectUnauthorized: true }, sasl });
    const { options } = kafkaMicroserviceOptions({ ...connection, groupId: 'clinician-liaison' });
    expect(options.client).toMatchObject({ ssl: { ca: [caPem], rejectUnauthorized: true }, sasl });
    // TLS with Node's trusted CAs; nothing set: plaintext without SASL, as before.
    expect(kafkaSecurityOptions({ ssl: true })).toEqual({ ssl: true });
    expect(kafkaSecurityOptions({ ssl: false })).toEqual({});
    const none = kafkaSecurityOptions({ ssl: false });
    const plaintext = kafkaClientConfig({ clientId: 'c', brokers: ['b:9092'], ...none });
    expect(plaintext).toMatchObject({ ssl: undefined, sasl: undefined });
  });

  it('routes kafkajs logs to the logger at the chosen level, forwarding only allow-listed fields', () => {
    const entries: MessagingLogEntry[] = [];
    expect(kafkaClientConfig({ clientId: 'c', brokers: [], logLevel: 'info' }).logLevel).toBe(logLevel.INFO);
    const log = kafkajsLogCreator((entry) => entries.push(entry))(logLevel.INFO);
    const entry: LogEntry = {
      namespace: 'Consumer',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        timestamp: 'now',
        message: 'Crash',
        groupId: 'g',
        retryCount: 2,
        payload: { name: 'Jane' },
        value: 'secret',
      },
    };
    log(entry);
    expect(entries).toEqual([
      { level: 'error', source: 'kafkajs.Consumer', message: 'Crash', fields: { groupId: 'g', retryCount: 2 } },
    ]);
  });

  it('stops kafkajs 2.2.4 from arming a negative timer when no request is pending (TimeoutNegativeWarning)', () => {
    expect(applyKafkajsNegativeTimeoutFix()).toBe(true);
    const RequestQueue = require('kafkajs/src/network/requestQueue') as {
      prototype: { scheduleCheckPendingRequests(this: object): void };
    };
    const idle = {
      pending: [] as unknown[],
      throttledUntil: -1,
      throttleCheckTimeoutId: null as NodeJS.Timeout | null,
    };
    RequestQueue.prototype.scheduleCheckPendingRequests.call(idle);
    expect(idle.throttleCheckTimeoutId).toBeNull();

    const waiting = { ...idle, pending: [{}] };
    RequestQueue.prototype.scheduleCheckPendingRequests.call(waiting);
    expect(waiting.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(waiting.throttleCheckTimeoutId ?? undefined);
  });
});
