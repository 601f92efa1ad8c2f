import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { bootstrapService } from '@carecircle/platform/service-kit';
import { createTestDatabase, startKafka, type KafkaCluster, type TestDatabase } from '@carecircle/platform/testing';
import { AppModule } from '../app.module';
import { readGatewayConfig } from '../gateway.config';
import { clientKeyPair } from '../testing/gateway-harness';

/** Where callers reach the replicas (a load balancer in production): the token endpoint's `aud` and the access tokens' issuer. */
const PUBLIC_URL = 'https://gateway.carecircle.test';

describe('two gateway replicas on one database, mid key rotation (shared used-assertion table)', () => {
  const saved = { ...process.env };
  let kafka: KafkaCluster | undefined;
  let db: TestDatabase | undefined;
  const replicas: INestApplication[] = [];
  let [first, second] = ['', ''];
  let client: Awaited<ReturnType<typeof clientKeyPair>>;

  beforeAll(async () => {
    [kafka, db, client] = await Promise.all([startKafka(), createTestDatabase('gateway_replicas'), clientKeyPair()]);
    const [old, next] = await Promise.all([
      generateKeyPair('ES384', { extractable: true }),
      generateKeyPair('ES384', { extractable: true }),
    ]);
    const jwkOf = async (key: CryptoKey, kid: string) => JSON.stringify({ ...(await exportJWK(key)), kid });
    // Mid-rotation: the first replica still signs with the old key and already publishes the next; the second has switched.
    const keys = [
      {
        GATEWAY_SIGNING_KEY: await jwkOf(old.privateKey, 'gateway-2026-11'),
        GATEWAY_ROTATION_PUBLIC_KEYS: `[${await jwkOf(next.publicKey, 'gateway-2026-12')}]`,
      },
      {
        GATEWAY_SIGNING_KEY: await jwkOf(next.privateKey, 'gateway-2026-12'),
        GATEWAY_ROTATION_PUBLIC_KEYS: `[${await jwkOf(old.publicKey, 'gateway-2026-11')}]`,
      },
    ];
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      LOG_LEVEL: 'error',
      GATEWAY_IDENTITY_KEY: Buffer.alloc(32, 9).toString('base64'),
      GATEWAY_PUBLIC_URL: PUBLIC_URL,
      SMART_CLIENTS: JSON.stringify([{ clientId: 'ehr', scope: 'system/AuditEvent.rs', jwks: client.jwks }]),
    });
    // One after the other: the first runs the migrations.
    for (const replicaKeys of keys) {
      Object.assign(process.env, replicaKeys);
      replicas.push(
        await bootstrapService({ name: 'gateway', rootModule: AppModule, port: 0, authenticatesItself: true }),
      );
    }
    [first, second] = await Promise.all(replicas.map((replica) => replica.getUrl()));
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    process.env = saved;
    await db?.drop();
    await kafka?.stop();
  });

  const assertion = () =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES384', kid: 'k1' })
      .setIssuer('ehr')
      .setSubject('ehr')
      .setAudience(`${PUBLIC_URL}/auth/token`)
      .setJti(randomUUID())
      .setExpirationTime('2m')
      .sign(client.privateKey);
  const token = (url: string, clientAssertion: string) =>
    fetch(`${url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'system/AuditEvent.rs',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: clientAssertion,
      }),
    });

  it('refuses an assertion replayed to the other replica', async () => {
    const once = await assertion();
    expect((await token(first, once)).status).toBe(200);
    const replayed = await token(second, once);
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toEqual({
      error: 'invalid_client',
      error_description: 'The client assertion was already used',
    });
    expect((await token(first, once)).status).toBe(401);
  });

  it('accepts on each replica the access tokens the other issued with its key, and both publish both keys, public parts only', async () => {
    for (const [issuer, reader] of [
      [first, second],
      [second, first],
    ] as const) {
      const issued = (await (await token(issuer, await assertion())).json()) as { access_token: string };
      const read = await fetch(`${reader}/admin/audit-events?_count=5`, {
        headers: { authorization: `Bearer ${issued.access_token}` },
      });
      expect(read.status).toBe(200);
    }
    for (const url of [first, second]) {
      const { keys } = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as {
        keys: Record<string, unknown>[];
      };
      expect(keys.map((key) => key['kid']).sort()).toEqual(['gateway-2026-11', 'gateway-2026-12']);
      for (const key of keys) {
        expect(key).toMatchObject({ alg: 'ES384', kty: 'EC', crv: 'P-384' });
        expect(key).not.toHaveProperty('d');
      }
    }
  });

  it('refuses to start with a signing key that is not a private P-384 JWK (without quoting it), or without one where AUTH_REQUIRED', () => {
    const notPrivate = JSON.stringify({ kty: 'EC', crv: 'P-384', x: 'secret-x', y: 'secret-y' });
    expect(() => readGatewayConfig({ GATEWAY_SIGNING_KEY: notPrivate })).toThrow(
      /GATEWAY_SIGNING_KEY must be a private EC P-384 JWK/,
    );
    expect(() => readGatewayConfig({ GATEWAY_SIGNING_KEY: notPrivate })).not.toThrow(/secret/);
    expect(() => readGatewayConfig({ AUTH_REQUIRED: 'true' })).toThrow(
      /GATEWAY_SIGNING_KEY is required when AUTH_REQUIRED is true/,
    );
  });
});
