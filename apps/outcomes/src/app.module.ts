import { Module } from '@nestjs/common';
import { toIntegrationEvent, type OutcomesDeps } from '@carecircle/outcomes/application';
import { outcomesReadModelMigrations } from '@carecircle/outcomes/read-models';
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
import { CohortReportHttpController } from './cohort-report/cohort-report.http.controller';
import { CorrectMeasureHttpController } from './correct-measure/correct-measure.http.controller';
import { MemberTrajectoryHttpController } from './member-trajectory/member-trajectory.http.controller';
import { GatewayIngestKafkaController } from './gateway-ingest/gateway-ingest.kafka.controller';
import { CohortEventsKafkaController } from './outcomes-events/outcomes-events.kafka.controller';
import { OUTCOMES_DEPS, readOutcomesConfig } from './outcomes.deps';
import { RecordMeasureHttpController } from './record-measure/record-measure.http.controller';

@Module({
  imports: [
    PersistenceModule.forRoot({ migrations: outcomesReadModelMigrations }),
    MessagingModule.forRoot({
      service: 'outcomes',
      publishes: [Topics.outcomes],
      consumes: [Topics.outcomes, Topics.scheduling, Topics.gatewayIngest],
      relay: { map: toIntegrationEvent },
    }),
    HealthModule.forRoot({ database: true, contributors: [OutboxRelayHealthContributor] }),
    AccessModule.forRoot({ service: 'outcomes' }),
  ],
  controllers: [
    RecordMeasureHttpController,
    CorrectMeasureHttpController,
    MemberTrajectoryHttpController,
    CohortReportHttpController,
    CohortEventsKafkaController,
    GatewayIngestKafkaController,
  ],
  providers: [
    {
      provide: OUTCOMES_DEPS,
      useFactory: (store: EventStore): OutcomesDeps => ({ store, clock: systemClock, config: readOutcomesConfig() }),
      inject: [EVENT_STORE],
    },
  ],
})
export class AppModule {}
