import { Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { IdentityVault } from '@carecircle/gateway/application';

import { systemClock } from '@carecircle/platform/event-sourcing';
import { GATEWAY_AUTH, type GatewayAuth } from '../auth/gateway-auth';
import { readGatewayConfig } from '../gateway.config';
import { DevIdentityProvider } from '../web-ui/dev-identity-provider';
import { DevIdentityProviderHttpController } from '../web-ui/dev-identity-provider.http.controller';
import { WebUiHttpController } from '../web-ui/web-ui.http.controller';
import { TimelineEventsKafkaController } from './timeline-events.kafka.controller';
import { TimelineReader } from './timeline-reader';
import { readTimelineConfig } from './timeline.config';
import { TIMELINE_DEPS, type TimelineDeps } from './timeline.deps';
import { TimelineHttpController } from './timeline.http.controller';
import { sqlOfPool } from '@carecircle/platform/event-store';

/** The care timeline: its Kafka consumer, its API (JSON and server-sent events) and the web UI at `/`. */
@Module({
  controllers: [
    TimelineEventsKafkaController,
    TimelineHttpController,
    DevIdentityProviderHttpController,
    WebUiHttpController,
  ],
  exports: [TimelineReader],
  providers: [
    TimelineReader,
    {
      provide: TIMELINE_DEPS,
      useFactory: async (dataSource: DataSource, auth: GatewayAuth): Promise<TimelineDeps> => {
        const config = readTimelineConfig();
        const pool = (dataSource.driver as PostgresDriver).master as Pool;
        return {
          sql: sqlOfPool(pool),
          // The gateway's one audit writer: concurrent requests of every route share its batches.
          audit: auth.audit,
          clock: systemClock,
          vault: new IdentityVault(readGatewayConfig().identityKey),
          ...(config.devIdp ? { devIdp: await DevIdentityProvider.create(`${config.publicUrl}/dev-idp`) } : {}),
          streamPollMs: config.streamPollMs,
        };
      },
      inject: [DataSource, GATEWAY_AUTH],
    },
  ],
})
export class TimelineModule {}
