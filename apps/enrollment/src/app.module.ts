import { Module } from '@nestjs/common';
import { toIntegrationEvent } from '@carecircle/enrollment/application';
import { Topics } from '@carecircle/contracts';
import { systemClock } from '@carecircle/platform/event-sourcing';
import type { EventStore } from '@carecircle/platform/event-store';
import {
  EVENT_STORE,
  HealthModule,
  MessagingModule,
  OutboxRelayHealthContributor,
  PersistenceModule,
} from '@carecircle/platform/service-kit';
import { ENROLLMENT_DEPS, type EnrollmentDeps } from './enrollment.deps';
import { EnrolMemberHttpController } from './enrol-member/enrol-member.http.controller';
import { ReceiveReferralHttpController } from './receive-referral/receive-referral.http.controller';

@Module({
  imports: [
    PersistenceModule.forRoot(),
    MessagingModule.forRoot({ service: 'enrollment', publishes: [Topics.enrollment], relay: { map: toIntegrationEvent } }),
    HealthModule.forRoot({ database: true, contributors: [OutboxRelayHealthContributor] }),
  ],
  controllers: [ReceiveReferralHttpController, EnrolMemberHttpController],
  providers: [
    {
      provide: ENROLLMENT_DEPS,
      useFactory: (store: EventStore): EnrollmentDeps => ({ store, clock: systemClock }),
      inject: [EVENT_STORE],
    },
  ],
})
export class AppModule {}
