import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { IdentityVault, ingestFhir, TokenBucketRateLimiter, toIntegrationEvent } from '@carecircle/gateway/application';
import { gatewayMigrations } from '@carecircle/gateway/read-models';
import { Topics } from '@carecircle/contracts';
import type { LogAppendSignal } from '@carecircle/platform/event-store';
import { createLogger } from '@carecircle/platform/observability';
import {
  AccessModule,
  HealthModule,
  LOG_APPEND_SIGNAL,
  MessagingModule,
  OutboxRelayHealthContributor,
  PersistenceModule,
} from '@carecircle/platform/service-kit';
import { GatewayAuthModule } from './auth/gateway-auth.module';
import { GATEWAY_AUTH, type GatewayAuth } from './auth/gateway-auth';
import { AuditEventsHttpController } from './audit-events/audit-events.http.controller';
import { CdsHooksProxyHttpController } from './cds-hooks/cds-hooks.http.controller';
import { RateLimitGuard, rateLimitOf } from './fhir-http/rate-limit.guard';
import { TrustProxySetting } from './fhir-http/trust-proxy';
import { FhirIngestHttpController } from './fhir-ingest/fhir-ingest.http.controller';
import { FhirMetadataHttpController } from './fhir-metadata/fhir-metadata.http.controller';
import { IdentityReviewsHttpController } from './identity-reviews/identity-reviews.http.controller';
import { FHIR_READ_CONTROLLERS } from './fhir-read/fhir-read.http.controller';
import { developmentFallbackNotices, readGatewayConfig } from './gateway.config';
import { GATEWAY_DEPS, type GatewayDeps } from './gateway.deps';
import { PostgresIdentityReviews } from './persistence/postgres-identity-reviews';
import { PostgresIngestUnitOfWork } from './persistence/postgres-ingest-unit-of-work';
import { PostgresMemberIdentities } from './persistence/postgres-member-identities';
import { SmartHttpController } from './smart/smart.http.controller';
import { TimelineModule } from './timeline/timeline.module';
import { CareConsoleModule } from './care-console/care-console.module';

@Module({
  imports: [
    PersistenceModule.forRoot({ migrations: gatewayMigrations }),
    MessagingModule.forRoot({
      service: 'gateway',
      publishes: [Topics.gatewayIngest],
      consumes: [Topics.enrollment, Topics.scheduling, Topics.clinicianLiaison, Topics.outcomes],
      relay: { map: toIntegrationEvent },
    }),
    HealthModule.forRoot({ database: true, contributors: [OutboxRelayHealthContributor] }),
    // The gateway decides with the same policy and the same relationships as the services, from its own copy.
    AccessModule.forRoot({ service: 'gateway' }),
    TimelineModule,
    CareConsoleModule,
    GatewayAuthModule,
  ],
  controllers: [
    FhirMetadataHttpController,
    SmartHttpController,
    FhirIngestHttpController,
    AuditEventsHttpController,
    IdentityReviewsHttpController,
    CdsHooksProxyHttpController,
    ...FHIR_READ_CONTROLLERS,
  ],
  providers: [
    RateLimitGuard,
    // Every route, before its own guards: per principal, or per address without a valid token.
    { provide: APP_GUARD, useExisting: RateLimitGuard },
    TrustProxySetting,
    {
      provide: GATEWAY_DEPS,
      useFactory: (dataSource: DataSource, auth: GatewayAuth, appendSignal: LogAppendSignal): GatewayDeps => {
        const config = readGatewayConfig();
        // Once per start, all development fallbacks together (the auth and timeline modules use them too).
        const logger = createLogger('gateway');
        for (const notice of developmentFallbackNotices(config)) logger[notice.level](notice.msg);
        const pool = (dataSource.driver as PostgresDriver).master as Pool;
        const vault = new IdentityVault(config.identityKey);
        const { clock, tokens } = auth;
        return {
          ingest: ingestFhir({
            unitOfWork: new PostgresIngestUnitOfWork(pool, vault, appendSignal),
            vault,
            clock,
            scope: config.ingestScope,
            reviews: new PostgresIdentityReviews(pool),
            maxBundleEntries: config.bundleMaxEntries,
          }),
          tokens,
          audit: auth.audit,
          vault,
          clock,
          findMember: (reference) => new PostgresMemberIdentities(pool, vault).find([reference]),
          findMemberByKeys: (lookupKeys) => new PostgresMemberIdentities(pool, vault).find(lookupKeys),
          rateLimiter: new TokenBucketRateLimiter({
            ...config.rateLimit,
            clock,
            limitFor: (key) => rateLimitOf(config.rateLimits, key),
          }),
          baseUrl: config.baseUrl,
          cdsHooks: config.cdsHooks,
        };
      },
      inject: [DataSource, GATEWAY_AUTH, LOG_APPEND_SIGNAL],
    },
  ],
})
export class AppModule {}
