import { Controller } from '@nestjs/common';
import { Ctx, type KafkaContext } from '@nestjs/microservices';
import { Topics } from '@carecircle/contracts';
import {
  fromKafkaContext,
  IntegrationEventConsumer,
  KafkaTopicHandler,
  type TopicHandler,
} from '@carecircle/platform/messaging';
import { cohortMeasureRoutes, cohortSchedulingRoutes } from '@carecircle/outcomes/read-models';

/** The topics outcomes consumes; its tests prove each has exactly one handler. */
export const OUTCOMES_SUBSCRIPTIONS = [Topics.outcomes, Topics.scheduling, Topics.gatewayIngest] as const;

/**
 * Cohort reports read a projection fed through the inbox: outcomes' own measures (from its topic, so
 * one mechanism orders and deduplicates everything) and scheduling's attendance and groups.
 */
@Controller()
export class CohortEventsKafkaController {
  private readonly outcomes: TopicHandler;
  private readonly scheduling: TopicHandler;

  constructor(consumer: IntegrationEventConsumer) {
    // Kept (`keep`): the cohort is rebuilt from zero from these events (`rebuildCohort`, `cohort:rebuild`).
    this.outcomes = consumer.forTopic(Topics.outcomes, {
      routes: [...cohortMeasureRoutes],
      ignore: ['ImprovementDetected', 'DeteriorationDetected', 'SuicidalIdeationReported'],
      keep: true,
    });
    this.scheduling = consumer.forTopic(Topics.scheduling, {
      routes: [...cohortSchedulingRoutes],
      ignore: [
        'GroupClosed',
        'SessionScheduled',
        'SessionRescheduled',
        'SessionCancelled',
        'DoseReached',
        'OffTrackForDose',
        'TherapeuticContactBooked',
        'TherapeuticContactChanged',
        'TherapeuticContactCancelled',
        'TherapeuticLoadChanged',
        'SchedulingConflictDetected',
        'SchedulingConflictResolved',
        'TherapeuticOverloadResolved',
      ],
      keep: true,
    });
  }

  @KafkaTopicHandler(Topics.outcomes)
  onOutcomesEvent(@Ctx() context: KafkaContext) {
    return this.outcomes.handle(fromKafkaContext(context));
  }

  @KafkaTopicHandler(Topics.scheduling)
  onSchedulingEvent(@Ctx() context: KafkaContext) {
    return this.scheduling.handle(fromKafkaContext(context));
  }
}
