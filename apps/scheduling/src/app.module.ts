import { Module } from '@nestjs/common';
import { getEntityManagerToken } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { Topics } from '@carecircle/contracts';
import { systemClock } from '@carecircle/platform/event-sourcing';
import type { EventStore } from '@carecircle/platform/event-store';
import {
  AccessModule,
  EVENT_STORE,
  HealthModule,
  MessagingModule,
  OutboxRelayHealthContributor,
  ParkedEventsHealthContributor,
  PersistenceModule,
  ProcessingModule,
} from '@carecircle/platform/service-kit';
import { toIntegrationEvent, type SchedulingDeps } from '@carecircle/scheduling/application';
import {
  findEnrolledGroups,
  findEnrolledMembers,
  findMemberships,
  findRosterMember,
  schedulingReadModelEntities,
  schedulingReadModelMigrations,
} from '@carecircle/scheduling/read-models';
import { EnrollmentEventsKafkaController } from './enrollment-events/enrollment-events.kafka.controller';
import { GatewayEventsKafkaController } from './gateway-events/gateway-events.kafka.controller';
import { FacilitatorsHttpController } from './groups/facilitators.http.controller';
import { GroupsHttpController } from './groups/groups.http.controller';
import { LoadReassessmentProcessor } from './processor/load-reassessment.processor';
import { SchedulingProcessor } from './processor/scheduling-processor';
import { GroupSessionHttpController } from './group-session/group-session.http.controller';
import { GroupRosterHttpController } from './roster/group-roster.http.controller';
import {
  LOAD_REASSESSMENT_POLL_MS,
  readLoadReassessmentPollMs,
  readSchedulingPolicy,
  SCHEDULING_DEPS,
} from './scheduling.deps';
import { SessionsHttpController } from './sessions/sessions.http.controller';
import { TherapeuticLoadHttpController } from './therapeutic-load/therapeutic-load.http.controller';

@Module({
  imports: [
    PersistenceModule.forRoot({ migrations: schedulingReadModelMigrations, entities: schedulingReadModelEntities }),
    MessagingModule.forRoot({
      service: 'scheduling',
      publishes: [Topics.scheduling],
      consumes: [Topics.enrollment, Topics.gatewayIngest],
      relay: { map: toIntegrationEvent },
    }),
    HealthModule.forRoot({
      database: true,
      contributors: [OutboxRelayHealthContributor, ParkedEventsHealthContributor],
    }),
    ProcessingModule.forRoot({ routePrefix: 'api/scheduling' }),
    AccessModule.forRoot({ service: 'scheduling' }),
  ],
  controllers: [
    EnrollmentEventsKafkaController,
    GatewayEventsKafkaController,
    GroupRosterHttpController,
    GroupsHttpController,
    SessionsHttpController,
    GroupSessionHttpController,
    TherapeuticLoadHttpController,
    FacilitatorsHttpController,
  ],
  providers: [
    {
      provide: SCHEDULING_DEPS,
      useFactory: (store: EventStore, em: EntityManager): SchedulingDeps => ({
        store,
        clock: systemClock,
        policy: readSchedulingPolicy(),
        roster: {
          member: (groupId, memberId) => findRosterMember(em, groupId, memberId),
          groupsOf: (memberId) => findEnrolledGroups(em, memberId),
          membersOf: (groupId) => findEnrolledMembers(em, groupId),
          membershipsOf: (memberId) => findMemberships(em, memberId),
        },
      }),
      inject: [EVENT_STORE, getEntityManagerToken()],
    },
    SchedulingProcessor,
    { provide: LOAD_REASSESSMENT_POLL_MS, useFactory: () => readLoadReassessmentPollMs() },
    LoadReassessmentProcessor,
  ],
})
export class AppModule {}
