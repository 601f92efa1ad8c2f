import { Controller } from '@nestjs/common';
import { Ctx, type KafkaContext } from '@nestjs/microservices';
import {
  AttendanceCorrected,
  AttendanceRecorded,
  GroupChanged,
  GroupFormed,
  MeasureCorrected,
  MeasureRecorded,
  Topics,
} from '@carecircle/contracts';
import {
  fromKafkaContext,
  IntegrationEventConsumer,
  KafkaTopicHandler,
  on,
  type TopicHandler,
} from '@carecircle/platform/messaging';
import { projectAttendance, projectGroup, projectMeasure } from '@carecircle/outcomes/read-models';

/** The topics outcomes consumes; its tests prove each has exactly one handler. */
export const OUTCOMES_SUBSCRIPTIONS = [Topics.outcomes, Topics.scheduling, Topics.gatewayIngest] as const;

const ATTENDED = new Set(['attended-in-person', 'attended-online']);

/**
 * Cohort reports read a projection fed through the inbox: outcomes' own measures (from its topic, so
 * one mechanism orders and deduplicates everything) and scheduling's attendance and groups.
 */
@Controller()
export class CohortEventsKafkaController {
  private readonly outcomes: TopicHandler;
  private readonly scheduling: TopicHandler;

  constructor(consumer: IntegrationEventConsumer) {
    this.outcomes = consumer.forTopic(Topics.outcomes, {
      routes: [
        on(MeasureRecorded, (event, tx) => projectMeasure(tx, { ...event.payload, memberId: event.subject })),
        on(MeasureCorrected, (event, tx) => projectMeasure(tx, { ...event.payload, memberId: event.subject })),
      ],
      ignore: ['ImprovementDetected', 'DeteriorationDetected', 'SuicidalIdeationReported'],
    });
    this.scheduling = consumer.forTopic(Topics.scheduling, {
      routes: [
        on(AttendanceRecorded, (event, tx) =>
          projectAttendance(tx, { ...event.payload, attended: ATTENDED.has(event.payload.status) }),
        ),
        on(AttendanceCorrected, (event, tx) =>
          projectAttendance(tx, { ...event.payload, attended: ATTENDED.has(event.payload.status) }),
        ),
        on(GroupFormed, (event, tx) =>
          projectGroup(tx, { ...event.payload, condition: event.payload.condition ?? null }),
        ),
        on(GroupChanged, (event, tx) =>
          projectGroup(tx, { ...event.payload, condition: event.payload.condition ?? null }),
        ),
      ],
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
