import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKafka, KCAT_INSTALL_HINT } from './kafka-mock-cluster';
import { createTestDatabase, resolvePostgresServer } from './postgres';
import { startEmbeddedPostgres } from './embedded-postgres';

describe('local infrastructure harness', () => {
  it('starts a 3-broker mock cluster that takes a keyed produce and stops it', async () => {
    const cluster = await startKafka({});
    try {
      expect(cluster.kind).toBe('mock');
      expect(cluster.brokers).toHaveLength(3);
      const kafka = new Kafka({ clientId: 'harness-test', brokers: cluster.brokers, logLevel: logLevel.NOTHING });
      const producer = kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: true,
      });
      await producer.connect();
      const [ack] = await producer.send({ topic: 'harness-probe', messages: [{ key: 'member-1', value: 'x' }] });
      expect(ack.errorCode).toBe(0);
      await producer.disconnect();
    } finally {
      await cluster.stop();
    }
  });

  it('uses KAFKA_BROKERS as given instead of starting a cluster', async () => {
    const cluster = await startKafka({ KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092' });
    expect(cluster).toMatchObject({ kind: 'external', brokers: ['kafka-1:9092', 'kafka-2:9092'] });
  });

  it('names the install command when kcat is missing', async () => {
    await expect(startKafka({ KCAT_BIN: '/nonexistent/kcat' })).rejects.toThrow(KCAT_INSTALL_HINT);
  });

  it('creates and drops a database of its own', async () => {
    expect(await resolvePostgresServer()).toBeDefined();
    const db = await createTestDatabase('harness');
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ name: string }>('SELECT current_database() AS name');
    await client.end();
    expect(rows[0]?.name).toBe(db.name);
    await db.drop();
    const server = new Client({ connectionString: (await resolvePostgresServer())! });
    await server.connect();
    const left = await server.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name]);
    await server.end();
    expect(left.rowCount).toBe(0);
  });

  it('falls back to an embedded PGlite that speaks the wire protocol and keeps its data on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-pglite-'));
    try {
      let pg = await startEmbeddedPostgres(dir);
      let client = new Client({ connectionString: pg.url });
      await client.connect();
      await client.query('CREATE TABLE kept (n int)');
      await client.query('INSERT INTO kept VALUES (42)');
      await client.end();
      await pg.stop();

      pg = await startEmbeddedPostgres(dir);
      client = new Client({ connectionString: pg.url });
      await client.connect();
      const { rows } = await client.query<{ n: number }>('SELECT n FROM kept');
      await client.end();
      await pg.stop();
      expect(rows).toEqual([{ n: 42 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
