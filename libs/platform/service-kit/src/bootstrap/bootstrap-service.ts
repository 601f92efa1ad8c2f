import { Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHttpAccessLogger, createLogger, PinoNestLogger } from '@carecircle/platform/observability';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { installServiceTokenGuard } from '../auth/service-token.guard';
import { DomainErrorFilter, type DomainErrorFilterOptions } from '../errors/domain-error.filter';
import { FlushTracingOnShutdown } from './flush-tracing-on-shutdown';
import { DEFAULT_JSON_MAX_DEPTH, rejectDeepJson } from './json-body-limits';
import { hideMalformedBody } from './malformed-body';
import { securityHeaders } from './security-headers';
import { setupOpenApi } from './openapi';
import { createValidationPipe } from './validation';

/** The `msg` of the JSON line logged once the HTTP server is bound (tests read the port from it). */
export const LISTENING_LOG_MESSAGE = 'service listening';

export interface BootstrapServiceOptions {
  /** Service name in logs and in the OpenAPI title. */
  name: string;
  rootModule: Type<unknown> | DynamicModule;
  /** 0 binds a free port; the bound port is logged (`LISTENING_LOG_MESSAGE`). */
  port: number;
  /** Runs after the common setup, before listening: extra middleware, `connectMicroservice`… */
  configure?: (app: INestApplication) => void | Promise<void>;
  /** Status overrides for domain error codes (see `DomainErrorFilter`). */
  domainErrors?: DomainErrorFilterOptions;
  /** Defaults to `createLogger(name)`: JSON on stdout, level from `LOG_LEVEL`. */
  logger?: Logger;
  /** Largest `application/json` body accepted (body-parser syntax, e.g. `5mb`). Default `100kb`. */
  jsonBodyLimit?: string;
  /** Deepest nesting of a JSON body (`JSON_MAX_DEPTH`); deeper answers 400 before parsing. Default 64. */
  jsonMaxDepth?: number;
  /** The gateway verifies its callers itself (SMART, OIDC, audited denials); every other service gets the bearer-token guard. */
  authenticatesItself?: boolean;
}

/** Flushes tracing as the last shutdown hook; the service's own module sits below it. */
@Module({ providers: [FlushTracingOnShutdown] })
class ServiceShellModule {}

/**
 * Creates, configures and starts a service the same way everywhere: pino logs (Nest's included),
 * access log, validation (400 with field errors), domain errors as problem+json, OpenAPI at
 * `/api/docs`, graceful shutdown on SIGTERM/SIGINT (HTTP server, Kafka consumers and DB pools
 * closed, tracing flushed, exit code 0). Resolves once the service listens.
 */
export async function bootstrapService(options: BootstrapServiceOptions): Promise<INestApplication> {
  const logger = options.logger ?? createLogger(options.name);
  const app = await NestFactory.create<NestExpressApplication>(
    { module: ServiceShellModule, imports: [options.rootModule] },
    // abortOnError false: a failing module makes `create` reject (logged, exit 1) instead of aborting the process.
    { logger: new PinoNestLogger(logger), bufferLogs: true, abortOnError: false },
  );
  app.use(createHttpAccessLogger(logger));
  // HSTS, nosniff, no-store, no referrer, no framing on every answer; no X-Powered-By.
  app.disable('x-powered-by');
  app.use(securityHeaders);
  // The JSON parser is registered here, not at init, so that its error can be rewritten just after it.
  // The depth check runs on the raw bytes before JSON.parse: what follows the parser recurses.
  app.useBodyParser('json', {
    limit: options.jsonBodyLimit ?? '100kb',
    verify: rejectDeepJson(options.jsonMaxDepth ?? DEFAULT_JSON_MAX_DEPTH),
  });
  app.use(hideMalformedBody);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new DomainErrorFilter(app.getHttpAdapter(), options.domainErrors));
  if (!options.authenticatesItself) installServiceTokenGuard(app, options.name, logger);
  // useProcessExit: after a clean close Nest exits 0 instead of re-raising the signal.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await options.configure?.(app);
  setupOpenApi(app, options.name);
  await app.startAllMicroservices();
  await app.listen(options.port);
  const { port } = app.getHttpServer().address() as AddressInfo;
  logger.info({ port }, LISTENING_LOG_MESSAGE);
  return app;
}
