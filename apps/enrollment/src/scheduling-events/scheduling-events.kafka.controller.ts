import { Controller } from '@nestjs/common';
import { Ctx, type KafkaContext } from '@nestjs/microservices';
import { schedulingEvents, Topics } from '@carecircle/contracts';
import {
  fromKafkaContext,
  IntegrationEventConsumer,
  KafkaTopicHandler,
  type TopicHandler,
} from '@carecircle/platform/messaging';
import { groupCatalogueRoutes } from '@carecircle/enrollment/read-models';

/** The topics enrollment consumes; its tests prove each has exactly one handler. */
export const ENROLLMENT_SUBSCRIPTIONS = [Topics.scheduling, Topics.gatewayIngest] as const;

const CATALOGUE_EVENTS: readonly string[] = groupCatalogueRoutes.map((route) => route.type);

/**
 * Scheduling's group events keep enrollment's catalogue; the projection commits with the inbox row, and
 * the inbox keeps each event so the catalogue can be rebuilt from zero (`catalogue:rebuild`).
 */
@Controller()
export class SchedulingEventsKafkaController {
  private readonly scheduling: TopicHandler;

  constructor(consumer: IntegrationEventConsumer) {
    this.scheduling = consumer.forTopic(Topics.scheduling, {
      routes: [...groupCatalogueRoutes],
      ignore: schedulingEvents.map((definition) => definition.type).filter((type) => !CATALOGUE_EVENTS.includes(type)),
      keep: true,
    });
  }

  @KafkaTopicHandler(Topics.scheduling)
  onSchedulingEvent(@Ctx() context: KafkaContext) {
    return this.scheduling.handle(fromKafkaContext(context));
  }
}
