import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { referralMember, toIntegrationEvent, type EnrollmentDeps } from '@carecircle/enrollment/application';
import {
  enrollmentReadModelEntities,
  enrollmentReadModelMigrations,
  TypeOrmGroupCatalogue,
} from '@carecircle/enrollment/read-models';
import { Topics } from '@carecircle/contracts';
import { systemClock } from '@carecircle/platform/event-sourcing';
import type { EventStore } from '@carecircle/platform/event-store';
import {
  AccessModule,
  EVENT_STORE,
  HealthModule,
  MessagingModule,
  OutboxRelayHealthContributor,
  PersistenceModule,
} from '@carecircle/platform/service-kit';
import { ENROLLMENT_DEPS } from './enrollment.deps';
import { ENROLLMENT_CONFIG, readEnrollmentConfig, type EnrollmentConfig } from './enrollment.config';
import { ReferralsHttpController } from './referrals/referrals.http.controller';
import { ConsentsHttpController } from './consents/consents.http.controller';
import { PlacementHttpController } from './placement/placement.http.controller';
import {
  ENROLLMENT_SUBSCRIPTIONS,
  SchedulingEventsKafkaController,
} from './scheduling-events/scheduling-events.kafka.controller';
import { SeatKeeperPoller } from './seat-keeper.poller';
import { GatewayIngestKafkaController } from './gateway-ingest/gateway-ingest.kafka.controller';

@Module({
  imports: [
    PersistenceModule.forRoot({ migrations: enrollmentReadModelMigrations, entities: enrollmentReadModelEntities }),
    MessagingModule.forRoot({
      service: 'enrollment',
      publishes: [Topics.enrollment],
      consumes: [...ENROLLMENT_SUBSCRIPTIONS],
      relay: { map: toIntegrationEvent },
    }),
    HealthModule.forRoot({ database: true, contributors: [OutboxRelayHealthContributor] }),
    AccessModule.forRoot({
      service: 'enrollment',
      lookups: ({ store }) => ({ referral: referralMember(store) }),
    }),
  ],
  controllers: [
    ReferralsHttpController,
    ConsentsHttpController,
    PlacementHttpController,
    SchedulingEventsKafkaController,
    GatewayIngestKafkaController,
  ],
  providers: [
    { provide: ENROLLMENT_CONFIG, useFactory: () => readEnrollmentConfig() },
    {
      provide: ENROLLMENT_DEPS,
      useFactory: (store: EventStore, dataSource: DataSource, config: EnrollmentConfig): EnrollmentDeps => ({
        store,
        clock: systemClock,
        catalogue: new TypeOrmGroupCatalogue(dataSource),
        policy: config.policy,
      }),
      inject: [EVENT_STORE, DataSource, ENROLLMENT_CONFIG],
    },
    SeatKeeperPoller,
  ],
})
export class AppModule {}
