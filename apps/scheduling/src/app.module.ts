import { Module } from '@nestjs/common';
import { Topics } from '@carecircle/contracts';
import { HealthModule, MessagingModule, OutboxRelayHealthContributor, PersistenceModule } from '@carecircle/platform/service-kit';
import { schedulingReadModelEntities, schedulingReadModelMigrations } from '@carecircle/scheduling/read-models';
import { EnrollmentEventsKafkaController } from './enrollment-events/enrollment-events.kafka.controller';
import { GroupRosterHttpController } from './roster/group-roster.http.controller';

@Module({
  imports: [
    PersistenceModule.forRoot({ migrations: schedulingReadModelMigrations, entities: schedulingReadModelEntities }),
    MessagingModule.forRoot({ service: 'scheduling', consumes: [Topics.enrollment] }),
    HealthModule.forRoot({ database: true, contributors: [OutboxRelayHealthContributor] }),
  ],
  controllers: [EnrollmentEventsKafkaController, GroupRosterHttpController],
})
export class AppModule {}
