import { Controller } from '@nestjs/common';
import { Ctx, type KafkaContext } from '@nestjs/microservices';
import { MemberEnrolled, MemberWithdrew, Topics } from '@carecircle/contracts';
import { fromKafkaContext, IntegrationEventConsumer, KafkaTopicHandler, on, type TopicHandler } from '@carecircle/platform/messaging';
import { projectRosterFact } from '@carecircle/scheduling/read-models';

/** The topics scheduling consumes; its tests prove each has exactly one handler. */
export const SCHEDULING_SUBSCRIPTIONS = [Topics.enrollment] as const;

/** Enrollment's events keep scheduling's rosters: one handler for the topic, one route per event type. */
@Controller()
export class EnrollmentEventsKafkaController {
  private readonly enrollment: TopicHandler;

  constructor(consumer: IntegrationEventConsumer) {
    this.enrollment = consumer.forTopic(Topics.enrollment, {
      routes: [
        on(MemberEnrolled, (event, tx) =>
          projectRosterFact(tx, {
            type: 'MemberEnrolled',
            memberId: event.subject,
            groupId: event.payload.groupId,
            memberRole: event.payload.memberRole,
            enrolledAt: event.payload.enrolledAt,
          }),
        ),
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
