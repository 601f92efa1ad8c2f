import { Controller } from '@nestjs/common';
import { Ctx, type KafkaContext } from '@nestjs/microservices';
import {
  clinicianLiaisonEvents,
  enrollmentEvents,
  outcomesEvents,
  schedulingEvents,
  Topics,
} from '@carecircle/contracts';
import { isTimelineEventType } from '@carecircle/gateway/domain';
import { projectTimelineEvent } from '@carecircle/gateway/read-models';
import {
  fromKafkaContext,
  IntegrationEventConsumer,
  KafkaTopicHandler,
  on,
  type EventDefinitionLike,
  type TopicHandler,
  type TopicRoutes,
} from '@carecircle/platform/messaging';
import { sqlOf } from '@carecircle/platform/event-store';

/** The topics the gateway consumes for the care timeline; a test proves each has exactly one handler. */
export const TIMELINE_SUBSCRIPTIONS = [
  Topics.enrollment,
  Topics.scheduling,
  Topics.clinicianLiaison,
  Topics.outcomes,
] as const;

/** Every type of the topic the timeline maps is routed (through the inbox); any other is ignored by name. */
export function timelineRoutes(definitions: readonly EventDefinitionLike[]): TopicRoutes {
  return {
    routes: definitions
      .filter((definition) => isTimelineEventType(definition.type))
      .map((definition) => on(definition, (event, tx) => projectTimelineEvent(sqlOf(tx), event))),
    ignore: definitions
      .filter((definition) => !isTimelineEventType(definition.type))
      .map((definition) => definition.type),
  };
}

/** Consumer group `gateway`: one handler per topic, each event written to the timeline exactly once. */
@Controller()
export class TimelineEventsKafkaController {
  private readonly enrollment: TopicHandler;
  private readonly scheduling: TopicHandler;
  private readonly clinicianLiaison: TopicHandler;
  private readonly outcomes: TopicHandler;

  constructor(consumer: IntegrationEventConsumer) {
    this.enrollment = consumer.forTopic(Topics.enrollment, timelineRoutes(enrollmentEvents));
    this.scheduling = consumer.forTopic(Topics.scheduling, timelineRoutes(schedulingEvents));
    this.clinicianLiaison = consumer.forTopic(Topics.clinicianLiaison, timelineRoutes(clinicianLiaisonEvents));
    this.outcomes = consumer.forTopic(Topics.outcomes, timelineRoutes(outcomesEvents));
  }

  @KafkaTopicHandler(Topics.enrollment)
  onEnrollment(@Ctx() context: KafkaContext) {
    return this.enrollment.handle(fromKafkaContext(context));
  }

  @KafkaTopicHandler(Topics.scheduling)
  onScheduling(@Ctx() context: KafkaContext) {
    return this.scheduling.handle(fromKafkaContext(context));
  }

  @KafkaTopicHandler(Topics.clinicianLiaison)
  onClinicianLiaison(@Ctx() context: KafkaContext) {
    return this.clinicianLiaison.handle(fromKafkaContext(context));
  }

  @KafkaTopicHandler(Topics.outcomes)
  onOutcomes(@Ctx() context: KafkaContext) {
    return this.outcomes.handle(fromKafkaContext(context));
  }
}
