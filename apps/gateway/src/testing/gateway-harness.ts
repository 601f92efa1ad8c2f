import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { bootstrapService } from '@carecircle/platform/service-kit';
import { createTestDatabase, startKafka, type KafkaCluster, type TestDatabase } from '@carecircle/platform/testing';
import { AppModule } from '../app.module';
import { configureFhirBodies } from '../fhir-http/fhir-body';

export const FHIR_JSON_TYPE = 'application/fhir+json';

export interface GatewayHarnessOptions {
  /** Test database name prefix. */
  database: string;
  /** SMART backend clients to register: with the harness's key pair, or by the `jwksUri` where their own keys are. */
  clients: { clientId: string; scope: string; jwksUri?: string }[];
  fhirBodyLimit?: string;
  /** Extra environment for the gateway (rate limit, upstream URLs…). */
  env?: Record<string, string>;
}

export interface GatewayHarness {
  base: string;
  app: INestApplication;
  db: TestDatabase;
  kafka: KafkaCluster;
  /** The token endpoint's raw answer for a fresh client assertion (signed with `key`, default the registered one). */
  tokenResponse(clientId: string, scope: string, key?: CryptoKey): Promise<Response>;
  accessToken(clientId: string, scope: string): Promise<string>;
  /** Closes the app, restores the environment, drops the database, stops Kafka; safe after a partial start. */
  stop(): Promise<void>;
}

/**
 * Client credentials with a fresh private_key_jwt assertion (ES384, kid `k1`), as a SMART backend
 * client does it. `audience` is the token endpoint's configured URL when it differs from where it answers.
 */
export async function requestToken(
  tokenUrl: string,
  clientId: string,
  scope: string,
  key: CryptoKey,
  audience = tokenUrl,
): Promise<Response> {
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES384', kid: 'k1' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(audience)
    .setJti(randomUUID())
    .setExpirationTime('2m')
    .sign(key);
  return fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    }),
  });
}

/** An ES384 key pair and the JWKS an administrator registers for it. */
export async function clientKeyPair(): Promise<{ privateKey: CryptoKey; jwks: { keys: Record<string, unknown>[] } }> {
  const pair = await generateKeyPair('ES384');
  return {
    privateKey: pair.privateKey,
    jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES384' }] },
  };
}

/**
 * The gateway in-process as `main.ts` runs it (same body limits), against its own test database and a
 * mock Kafka cluster, with SMART clients registered for one generated ES384 key pair.
 */
export async function startGatewayHarness(options: GatewayHarnessOptions): Promise<GatewayHarness> {
  const saved = { ...process.env };
  const fhirBodyLimit = options.fhirBodyLimit ?? '5mb';
  let kafka: KafkaCluster | undefined;
  let db: TestDatabase | undefined;
  let app: INestApplication | undefined;
  const stop = async () => {
    await app?.close();
    process.env = saved;
    await db?.drop();
    await kafka?.stop();
  };
  try {
    [kafka, db] = await Promise.all([startKafka(), createTestDatabase(options.database)]);
    const pair = await clientKeyPair();
    const jwks = pair.jwks;
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      LOG_LEVEL: 'error',
      GATEWAY_IDENTITY_KEY: Buffer.alloc(32, 7).toString('base64'),
      GATEWAY_PUBLIC_URL: 'http://127.0.0.1:0',
      FHIR_BODY_LIMIT: fhirBodyLimit,
      SMART_CLIENTS: JSON.stringify(options.clients.map((client) => (client.jwksUri ? client : { ...client, jwks }))),
      ...options.env,
    });
    // The public URL must be known before the app builds its token service: bind, then restart on that port.
    const probe = await bootstrapService({
      name: 'gateway',
      rootModule: AppModule,
      port: 0,
      authenticatesItself: true,
    });
    const { port } = probe.getHttpServer().address() as AddressInfo;
    await probe.close();
    process.env['GATEWAY_PUBLIC_URL'] = `http://127.0.0.1:${port}`;
    app = await bootstrapService({
      name: 'gateway',
      rootModule: AppModule,
      port,
      authenticatesItself: true,
      jsonBodyLimit: fhirBodyLimit,
      configure: (a) => configureFhirBodies(a, fhirBodyLimit),
    });
    const base = `http://127.0.0.1:${port}`;
    const tokenResponse = (clientId: string, scope: string, key: CryptoKey = pair.privateKey) =>
      requestToken(`${base}/auth/token`, clientId, scope, key);
    const accessToken = async (clientId: string, scope: string) => {
      const response = await tokenResponse(clientId, scope);
      if (response.status !== 200) throw new Error(`token endpoint answered ${response.status} for ${clientId}`);
      return ((await response.json()) as { access_token: string }).access_token;
    };
    return { base, app, db, kafka, tokenResponse, accessToken, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
