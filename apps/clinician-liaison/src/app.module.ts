import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Topics } from '@carecircle/contracts';
import { coordinationUpcasters, toIntegrationEvent, type LiaisonDeps } from '@carecircle/clinician-liaison/application';
import { liaisonReadModelEntities, liaisonReadModelMigrations } from '@carecircle/clinician-liaison/read-models';
import { systemClock } from '@carecircle/platform/event-sourcing';
import type { EventStore } from '@carecircle/platform/event-store';
import { findAlert } from '@carecircle/clinician-liaison/read-models';
import {
  AccessContext,
  AccessModule,
  EVENT_STORE,
  HealthModule,
  MessagingModule,
  OutboxRelayHealthContributor,
  ParkedEventsHealthContributor,
  PersistenceModule,
  ProcessingModule,
  EventProcessorRegistry,
} from '@carecircle/platform/service-kit';
import { AlertsHttpController } from './alerts/alerts.http.controller';
import { CareTeamHttpController } from './care-team/care-team.http.controller';
import { CdsHooksHttpController } from './cds-hooks/cds-hooks.http.controller';
import { LIAISON_SUBSCRIPTIONS, MemberFactsKafkaController } from './consumers/member-facts.kafka.controller';
import { CommunicationsHttpController } from './delivery/communications.http.controller';
import { DeliveriesHealthContributor } from './delivery/deliveries.health';
import { DistressHttpController } from './distress/distress.http.controller';
import { PushDeliverer } from './delivery/push-deliverer';
import {
  EMERGENCY_ACCESS_MINUTES,
  LIAISON_CONFIG,
  LIAISON_DEPS,
  liaisonConfigFromEnv,
  PUSH_CONFIG,
  type LiaisonConfig,
  type PushConfig,
} from './liaison.deps';
import { LiaisonProcessor, TIMER_POLL_MS } from './processor/liaison-processor';
import { TreatmentsHttpController } from './treatments/treatments.http.controller';
import { MedicationsHttpController } from './medications/medications.http.controller';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Module({
  imports: [
    PersistenceModule.forRoot({
      migrations: liaisonReadModelMigrations,
      entities: liaisonReadModelEntities,
      upcasters: coordinationUpcasters,
    }),
    MessagingModule.forRoot({
      service: 'clinician-liaison',
      publishes: [Topics.clinicianLiaison],
      consumes: LIAISON_SUBSCRIPTIONS,
      relay: { map: toIntegrationEvent },
    }),
    HealthModule.forRoot({
      database: true,
      contributors: [OutboxRelayHealthContributor, DeliveriesHealthContributor, ParkedEventsHealthContributor],
    }),
    ProcessingModule.forRoot({ routePrefix: 'api/liaison' }),
    // The name is runService's: tokens must name carecircle-clinician-liaison. Alerts lead to their member.
    AccessModule.forRoot({
      service: 'clinician-liaison',
      lookups: ({ dataSource }) => ({
        alert: async (alertId) =>
          UUID.test(alertId) ? (await findAlert(dataSource.manager, alertId))?.memberId : undefined,
      }),
    }),
  ],
  controllers: [
    CareTeamHttpController,
    TreatmentsHttpController,
    MedicationsHttpController,
    AlertsHttpController,
    CdsHooksHttpController,
    CommunicationsHttpController,
    DistressHttpController,
    MemberFactsKafkaController,
  ],
  providers: [
    {
      provide: LIAISON_DEPS,
      useFactory: (store: EventStore, access: AccessContext, { rules, escalation }: LiaisonConfig): LiaisonDeps => {
        return {
          store,
          clock: systemClock,
          rules,
          escalation,
          groupFacilitators: (groupId) => access.relationships.groupFacilitators(groupId),
        };
      },
      inject: [EVENT_STORE, AccessContext, LIAISON_CONFIG],
    },
    // Read once; main.ts has already checked the same environment at boot.
    { provide: LIAISON_CONFIG, useFactory: () => liaisonConfigFromEnv() },
    { provide: TIMER_POLL_MS, useFactory: (config: LiaisonConfig) => config.timerPollMs, inject: [LIAISON_CONFIG] },
    { provide: PUSH_CONFIG, useFactory: (config: LiaisonConfig) => config.push, inject: [LIAISON_CONFIG] },
    {
      provide: EMERGENCY_ACCESS_MINUTES,
      useFactory: (config: LiaisonConfig) => config.emergencyAccessMinutes,
      inject: [LIAISON_CONFIG],
    },
    {
      provide: LiaisonProcessor,
      useFactory: (
        deps: LiaisonDeps,
        ds: DataSource,
        poll: number,
        push: PushConfig,
        registry: EventProcessorRegistry,
      ) => new LiaisonProcessor(deps, ds, poll, push, registry),
      inject: [LIAISON_DEPS, DataSource, TIMER_POLL_MS, PUSH_CONFIG, EventProcessorRegistry],
    },
    {
      provide: PushDeliverer,
      useFactory: (deps: LiaisonDeps, push: PushConfig, ds: DataSource, poll: number) =>
        new PushDeliverer(deps, push, ds, poll),
      inject: [LIAISON_DEPS, PUSH_CONFIG, DataSource, TIMER_POLL_MS],
    },
  ],
})
export class AppModule {}
