import { createServer } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { bootstrapService, connectKafkaConsumer } from '@carecircle/platform/service-kit';
import { createTestDatabase, type TestDatabase } from '@carecircle/platform/testing';
// The real clinician-liaison answers the cards: gateway tests and benches drive the server-to-server path in-process.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { AppModule as LiaisonModule } from '../../../clinician-liaison/src/app.module';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { liaisonDomainErrors } from '../../../clinician-liaison/src/service-options';

export interface LiaisonBehindGateway {
  /** `http://127.0.0.1:<port>`: what the gateway's CLINICIAN_LIAISON_URL names. */
  url: string;
  db: TestDatabase;
  app: INestApplication;
  /** Closes the app and drops its database; safe after a partial start. */
  stop(): Promise<void>;
}

/**
 * The real clinician-liaison in-process on its own test database and the gateway's Kafka (taken from
 * the environment the gateway harness set), trusting only the tokens the gateway at `gatewayBase`
 * mints, as in production. Its outbox relay is off: its events are not needed behind a CDS call.
 * The gateway's environment is restored once it has started. `port` 0: any free one.
 */
export async function startLiaisonBehindGateway(
  gatewayBase: string,
  databaseLabel: string,
  port = 0,
): Promise<LiaisonBehindGateway> {
  const db = await createTestDatabase(databaseLabel);
  const gatewayEnv = { ...process.env };
  let app: INestApplication | undefined;
  const stop = async () => {
    await app?.close();
    await db.drop();
  };
  try {
    process.env['DATABASE_URL'] = db.url;
    process.env['KAFKA_SESSION_TIMEOUT_MS'] = '6000';
    process.env['OUTBOX_RELAY_ENABLED'] = 'false';
    process.env['AUTH_TRUSTED_ISSUERS'] = JSON.stringify([
      { issuer: gatewayBase, jwksUri: `${gatewayBase}/.well-known/jwks.json` },
    ]);
    app = await bootstrapService({
      name: 'clinician-liaison',
      rootModule: LiaisonModule,
      port,
      domainErrors: liaisonDomainErrors,
      configure: (a) => {
        connectKafkaConsumer(a, 'clinician-liaison');
      },
    });
    return { url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), db, app, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  } finally {
    process.env = gatewayEnv;
  }
}

/** A port free right now (bound, then released), for a service another one must name before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port was bound');
  return address.port;
}
