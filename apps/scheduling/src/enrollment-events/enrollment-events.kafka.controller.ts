import { Controller, Inject } from '@nestjs/common';
import { Ctx, type KafkaContext } from '@nestjs/microservices';
import { MemberEnrolled, MemberWithdrew, Topics } from '@carecircle/contracts';
import { fromKafkaContext, IntegrationEventConsumer, KafkaTopicHandler, on, type TopicHandler } from '@carecircle/platform/messaging';
import { reassessLoadAfterEnrolment, type SchedulingDeps } from '@carecircle/scheduling/application';
import { findEnrolledGroups, projectRosterFact } from '@carecircle/scheduling/read-models';
import { SCHEDULING_DEPS } from '../scheduling.deps';

/** The topics scheduling consumes; its tests prove each has exactly one handler. */
export const SCHEDULING_SUBSCRIPTIONS = [Topics.enrollment, Topics.gatewayIngest] as const;

/** Enrollment's events keep scheduling's rosters (and a new member's load): one handler for the topic, one route per event type. */
@Controller()
export class EnrollmentEventsKafkaController {
  private readonly enrollment: TopicHandler;

  constructor(consumer: IntegrationEventConsumer, @Inject(SCHEDULING_DEPS) deps: SchedulingDeps) {
    const reassess = reassessLoadAfterEnrolment(deps);
    this.enrollment = consumer.forTopic(Topics.enrollment, {
      routes: [
        on(MemberEnrolled, async (event, tx) => {
          const memberId = event.subject;
          await projectRosterFact(tx, { type: 'MemberEnrolled', memberId, groupId: event.payload.groupId, memberRole: event.payload.memberRole, enrolledAt: event.payload.enrolledAt });
          // The new group's sessions join the member's load. Written to the event store before the inbox
          // commits; a redelivery decides again on the same facts and publishes nothing new.
          const groupIds = await findEnrolledGroups(tx, memberId);
          await reassess({ memberId, groupId: event.payload.groupId, groupIds }, { correlationId: event.correlationId, causationId: event.eventId });
        }),
        on(MemberWithdrew, (event, tx) =>
          projectRosterFact(tx, { type: 'MemberWithdrew', memberId: event.subject, groupId: event.payload.groupId, withdrewAt: event.payload.withdrewAt }),
        ),
      ],
      ignore: ['ReferralReceived'],
    });
  }

  @KafkaTopicHandler(Topics.enrollment)
  onEnrollmentEvent(@Ctx() context: KafkaContext) {
    return this.enrollment.handle(fromKafkaContext(context));
  }
}
