import { Global, Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import {
  CdsClientTokens,
  DEFAULT_REMOTE_KEY_SET_OPTIONS,
  IdentityVault,
  pseudonymousStaffId,
  RemoteKeySets,
  SmartTokenService,
} from '@carecircle/gateway/application';
import { useAssertionOnce } from '@carecircle/gateway/read-models';
import { systemClock } from '@carecircle/platform/event-sourcing';
import { AccessGuard } from '../fhir-http/access.guard';
import { readGatewayConfig } from '../gateway.config';
import { readTimelineConfig } from '../timeline/timeline.config';
import { PostgresAuditLog } from '../persistence/postgres-audit-log';
import { PostgresMemberIdentities } from '../persistence/postgres-member-identities';
import { GATEWAY_AUTH, type GatewayAuth } from './gateway-auth';
import { GatewayAuthenticator } from './gateway-authenticator';
import { InternalTokens, SERVICE_AUDIENCES } from './internal-tokens';
import { sqlOfPool } from '@carecircle/platform/event-store';

/**
 * The SMART token service (signing key from `GATEWAY_SIGNING_KEY`, used assertions in PostgreSQL, so
 * that replicas agree), the one authenticator and the AccessGuard, for every module of the gateway.
 */
@Global()
@Module({
  providers: [
    GatewayAuthenticator,
    InternalTokens,
    AccessGuard,
    {
      provide: GATEWAY_AUTH,
      useFactory: async (dataSource: DataSource): Promise<GatewayAuth> => {
        const config = readGatewayConfig();
        const pool = (dataSource.driver as PostgresDriver).master as Pool;
        const sql = sqlOfPool(pool);
        const clock = systemClock;
        const publicUrl = config.publicUrl ?? config.baseUrl;
        const usedAssertions = {
          useOnce: (assertionKey: string, expiresAt: Date) =>
            useAssertionOnce(sql, assertionKey, expiresAt, clock.now()),
        };
        const remoteKeys = new RemoteKeySets({
          ...DEFAULT_REMOTE_KEY_SET_OPTIONS,
          cooldownMs: config.jwksRefetchCooldownMs,
        });
        const tokens = await SmartTokenService.create({
          clients: config.clients,
          tokenUrl: `${publicUrl}/auth/token`,
          issuer: publicUrl,
          accessTokenTtlSeconds: config.accessTokenTtlSeconds,
          clock,
          ...(config.signingKey ? { signingKey: config.signingKey } : {}),
          rotationKeys: config.rotationKeys,
          usedAssertions,
          serviceAudiences: SERVICE_AUDIENCES,
          remoteKeys,
        });
        const cdsClients = new CdsClientTokens({ clients: config.cdsClients, clock, usedAssertions, remoteKeys });
        const { humanIssuer } = readTimelineConfig();
        const staffIdOf = (fhirUser: string) => pseudonymousStaffId(config.identityKey, fhirUser);
        const identities = new PostgresMemberIdentities(pool, new IdentityVault(config.identityKey));
        const memberOfPatient = (reference: string) => identities.find([reference]);
        const { roleMapping, ehrs } = config.consoleSignIn;
        const smartEhrs = ehrs.map(({ iss, clientId }) => ({ iss, clientId }));
        return {
          tokens,
          cdsClients,
          publicUrl: config.baseUrl,
          audit: new PostgresAuditLog(pool),
          clock,
          staffIdOf,
          memberOfPatient,
          roleMapping,
          smartEhrs,
          ...(humanIssuer ? { humanIssuer } : {}),
        };
      },
      inject: [DataSource],
    },
  ],
  exports: [GATEWAY_AUTH, GatewayAuthenticator, InternalTokens, AccessGuard],
})
export class GatewayAuthModule {}
