import { Controller } from '@nestjs/common';
import { Ctx, type KafkaContext } from '@nestjs/microservices';
import { MemberEnrolled, MemberWithdrew, Topics } from '@carecircle/contracts';
import {
  fromKafkaContext,
  IntegrationEventConsumer,
  KafkaTopicHandler,
  on,
  type TopicHandler,
} from '@carecircle/platform/messaging';
import { projectRosterEvent, recordPendingLoadReassessment } from '@carecircle/scheduling/read-models';

/** The topics scheduling consumes; its tests prove each has exactly one handler. */
export const SCHEDULING_SUBSCRIPTIONS = [Topics.enrollment, Topics.gatewayIngest] as const;

/**
 * Enrollment's events keep scheduling's rosters. A member joining or leaving a group changes which
 * sessions count in their load: the reassessment is owed in the same transaction as the roster
 * change and done after it commits (LoadReassessmentProcessor), so no event-store write waits
 * inside the inbox's transaction and a rolled-back delivery owes nothing.
 */
@Controller()
export class EnrollmentEventsKafkaController {
  private readonly enrollment: TopicHandler;

  constructor(consumer: IntegrationEventConsumer) {
    this.enrollment = consumer.forTopic(Topics.enrollment, {
      routes: [
        on(MemberEnrolled, async (event, tx) => {
          const { groupId, enrolledAt } = event.payload;
          await projectRosterEvent(tx, event);
          await recordPendingLoadReassessment(tx, {
            memberId: event.subject,
            groupId,
            cause: 'enrolled',
            at: enrolledAt,
            causeEventId: event.eventId,
            correlationId: event.correlationId,
          });
        }),
        on(MemberWithdrew, async (event, tx) => {
          const { groupId, withdrewAt } = event.payload;
          await projectRosterEvent(tx, event);
          await recordPendingLoadReassessment(tx, {
            memberId: event.subject,
            groupId,
            cause: 'withdrew',
            at: withdrewAt,
            causeEventId: event.eventId,
            correlationId: event.correlationId,
          });
        }),
      ],
      // Listed one by one, so a type enrollment adds later is logged as unknown rather than dropped unseen.
      ignore: [
        'ReferralReceived',
        'ScreeningCompleted',
        'PsychiatricEvaluationRequired',
        'IndividualCounselingRecommended',
        'ConsentRecorded',
        'ConsentWithdrawn',
        'MemberWaitlisted',
        'SeatOffered',
        'OfferDeclined',
        'OfferExpired',
        'WaitlistLeft',
      ],
      // The roster is rebuilt from the events kept here (`rebuildRoster`): the topic's retention ends.
      keep: true,
    });
  }

  @KafkaTopicHandler(Topics.enrollment)
  onEnrollmentEvent(@Ctx() context: KafkaContext) {
    return this.enrollment.handle(fromKafkaContext(context));
  }
}
