import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Topics } from '@carecircle/contracts';
import { toIntegrationEvent, type LiaisonDeps } from '@carecircle/clinician-liaison/application';
import { liaisonReadModelEntities, liaisonReadModelMigrations } from '@carecircle/clinician-liaison/read-models';
import { systemClock } from '@carecircle/platform/event-sourcing';
import type { EventStore } from '@carecircle/platform/event-store';
import { EVENT_STORE, HealthModule, MessagingModule, OutboxRelayHealthContributor, PersistenceModule } from '@carecircle/platform/service-kit';
import { AlertsHttpController } from './alerts/alerts.http.controller';
import { CareTeamHttpController } from './care-team/care-team.http.controller';
import { CdsHooksHttpController } from './cds-hooks/cds-hooks.http.controller';
import { LIAISON_SUBSCRIPTIONS, MemberFactsKafkaController } from './consumers/member-facts.kafka.controller';
import { CommunicationsHttpController } from './delivery/communications.http.controller';
import { PushDeliverer } from './delivery/push-deliverer';
import { LIAISON_DEPS, liaisonConfigFromEnv, PUSH_CONFIG, type PushConfig } from './liaison.deps';
import { LiaisonProcessor, TIMER_POLL_MS } from './processor/liaison-processor';
import { TreatmentsHttpController } from './treatments/treatments.http.controller';

@Module({
  imports: [
    PersistenceModule.forRoot({ migrations: liaisonReadModelMigrations, entities: liaisonReadModelEntities }),
    MessagingModule.forRoot({ service: 'clinician-liaison', publishes: [Topics.clinicianLiaison], consumes: LIAISON_SUBSCRIPTIONS, relay: { map: toIntegrationEvent } }),
    HealthModule.forRoot({ database: true, contributors: [OutboxRelayHealthContributor] }),
  ],
  controllers: [CareTeamHttpController, TreatmentsHttpController, AlertsHttpController, CdsHooksHttpController, CommunicationsHttpController, MemberFactsKafkaController],
  providers: [
    {
      provide: LIAISON_DEPS,
      useFactory: (store: EventStore): LiaisonDeps => {
        const { rules, escalation } = liaisonConfigFromEnv();
        return { store, clock: systemClock, rules, escalation };
      },
      inject: [EVENT_STORE],
    },
    { provide: TIMER_POLL_MS, useFactory: () => liaisonConfigFromEnv().timerPollMs },
    { provide: PUSH_CONFIG, useFactory: () => liaisonConfigFromEnv().push },
    {
      provide: LiaisonProcessor,
      useFactory: (deps: LiaisonDeps, ds: DataSource, poll: number, push: PushConfig) => new LiaisonProcessor(deps, ds, poll, push),
      inject: [LIAISON_DEPS, DataSource, TIMER_POLL_MS, PUSH_CONFIG],
    },
    {
      provide: PushDeliverer,
      useFactory: (deps: LiaisonDeps, push: PushConfig, ds: DataSource, poll: number) => new PushDeliverer(deps, push, ds, poll),
      inject: [LIAISON_DEPS, PUSH_CONFIG, DataSource, TIMER_POLL_MS],
    },
  ],
})
export class AppModule {}
