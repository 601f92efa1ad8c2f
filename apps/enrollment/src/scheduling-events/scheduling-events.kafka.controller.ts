import { Controller } from '@nestjs/common';
import { Ctx, type KafkaContext } from '@nestjs/microservices';
import { GroupChanged, GroupClosed, GroupFormed, schedulingEvents, Topics, type EventOf } from '@carecircle/contracts';
import {
  fromKafkaContext,
  IntegrationEventConsumer,
  KafkaTopicHandler,
  on,
  type TopicHandler,
} from '@carecircle/platform/messaging';
import { projectCatalogueFact } from '@carecircle/enrollment/read-models';

/** The topics enrollment consumes; its tests prove each has exactly one handler. */
export const ENROLLMENT_SUBSCRIPTIONS = [Topics.scheduling, Topics.gatewayIngest] as const;

const CATALOGUE_EVENTS: readonly string[] = [GroupFormed.type, GroupChanged.type, GroupClosed.type];

/** Scheduling's group events keep enrollment's catalogue; the projection commits with the inbox row. */
@Controller()
export class SchedulingEventsKafkaController {
  private readonly scheduling: TopicHandler;

  constructor(consumer: IntegrationEventConsumer) {
    const describe = (event: EventOf<typeof GroupFormed> | EventOf<typeof GroupChanged>) => {
      const {
        groupId,
        groupType,
        condition,
        stage,
        seats,
        openness,
        modality,
        cadence,
        ageBand,
        facilitatorIds,
        firstSessionAt,
      } = event.payload;
      return {
        type: 'GroupDescribed' as const,
        group: {
          groupId,
          groupType,
          ...(condition ? { condition } : {}),
          ...(stage ? { stage } : {}),
          seats,
          openness,
          modality,
          cadence,
          ageBand,
          facilitatorIds,
          firstSessionAt,
        },
      };
    };
    this.scheduling = consumer.forTopic(Topics.scheduling, {
      routes: [
        // A new group: the seat keeper offers its seats to members waiting on full groups of its kind.
        on(GroupFormed, (event, tx) => projectCatalogueFact(tx, { ...describe(event), formed: true })),
        on(GroupChanged, (event, tx) => projectCatalogueFact(tx, describe(event))),
        on(GroupClosed, (event, tx) =>
          projectCatalogueFact(tx, { type: 'GroupClosed', groupId: event.payload.groupId }),
        ),
      ],
      ignore: schedulingEvents.map((definition) => definition.type).filter((type) => !CATALOGUE_EVENTS.includes(type)),
    });
  }

  @KafkaTopicHandler(Topics.scheduling)
  onSchedulingEvent(@Ctx() context: KafkaContext) {
    return this.scheduling.handle(fromKafkaContext(context));
  }
}
