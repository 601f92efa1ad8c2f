import { Controller, Inject } from '@nestjs/common';
import { Ctx, type KafkaContext } from '@nestjs/microservices';
import {
  MeasureRecorded,
  MemberEnrolled,
  MemberWithdrew,
  OffTrackForDose,
  SchedulingConflictDetected,
  TherapeuticContactBooked,
  Topics,
  type IntegrationEvent,
} from '@carecircle/contracts';
import { fromKafkaContext, IntegrationEventConsumer, KafkaTopicHandler, on, type TopicHandler } from '@carecircle/platform/messaging';
import { coordinate, type LiaisonDeps } from '@carecircle/clinician-liaison/application';
import type { ExternalFact, Instrument } from '@carecircle/clinician-liaison/domain';
import { LIAISON_DEPS } from '../liaison.deps';

/** The topics clinician-liaison consumes; its tests prove each has exactly one handler. */
export const LIAISON_SUBSCRIPTIONS = [Topics.enrollment, Topics.scheduling, Topics.outcomes] as const;

const INSTRUMENTS: Record<string, Instrument> = { 'phq-9': 'PHQ-9', 'gad-7': 'GAD-7', 'pcl-5': 'PCL-5', 'zbi-22': 'ZBI-22' };

/**
 * Other services' facts about a member go into the member's coordination stream, in the order
 * Kafka delivers them (keyed by member). The source event id makes a redelivery a no-op; the
 * rules then run on the recorded fact in the processor.
 */
@Controller()
export class MemberFactsKafkaController {
  private readonly enrollment: TopicHandler;
  private readonly scheduling: TopicHandler;
  private readonly outcomes: TopicHandler;

  constructor(consumer: IntegrationEventConsumer, @Inject(LIAISON_DEPS) deps: LiaisonDeps) {
    const run = coordinate(deps);
    const record = (memberId: string, event: IntegrationEvent, fact: ExternalFact) =>
      run('RecordExternalFact', { memberId, sourceEventId: event.eventId, fact }, { correlationId: event.correlationId, causationId: event.eventId }).then((outcome) => {
        if (!outcome.ok) throw outcome.error;
      });
    this.enrollment = consumer.forTopic(Topics.enrollment, {
      routes: [
        on(MemberEnrolled, (e) => record(e.subject, e, { kind: 'group-joined', groupId: e.payload.groupId, at: e.payload.enrolledAt })),
        on(MemberWithdrew, (e) => record(e.subject, e, { kind: 'group-left', groupId: e.payload.groupId, at: e.payload.withdrewAt })),
      ],
      ignore: ['ReferralReceived'],
    });
    this.scheduling = consumer.forTopic(Topics.scheduling, {
      routes: [
        on(TherapeuticContactBooked, (e) => record(e.payload.memberId, e, { kind: 'contact-booked', contactId: e.payload.contactId, contactKind: e.payload.kind, start: e.payload.start, end: e.payload.end })),
        on(SchedulingConflictDetected, (e) =>
          record(e.payload.memberId, e, { kind: 'contact-booked', contactId: e.payload.sessionId, contactKind: 'group-session', start: e.payload.sessionStartsAt, end: e.payload.sessionEndsAt }),
        ),
        on(OffTrackForDose, (e) =>
          record(e.payload.memberId, e, {
            kind: 'attendance-recorded',
            groupId: e.payload.groupId,
            sessionNumber: e.payload.sessionsHeld,
            plannedSessions: e.payload.sessionsHeld + e.payload.sessionsRemaining,
            sessionsAttended: e.payload.sessionsAttended,
            at: e.payload.assessedAt,
          }),
        ),
      ],
      ignore: [
        'GroupFormed',
        'GroupChanged',
        'GroupClosed',
        'SessionScheduled',
        'SessionRescheduled',
        'SessionCancelled',
        'AttendanceRecorded',
        'AttendanceCorrected',
        'DoseReached',
        'TherapeuticContactChanged',
        'TherapeuticContactCancelled',
        'TherapeuticLoadChanged',
      ],
    });
    this.outcomes = consumer.forTopic(Topics.outcomes, {
      routes: [
        on(MeasureRecorded, (e) =>
          record(e.subject, e, { kind: 'measure-recorded', instrument: INSTRUMENTS[e.payload.instrument] ?? 'other', score: e.payload.total, item9: e.payload.item9, at: e.payload.administeredAt }),
        ),
      ],
      // Item 9 and worsening are evaluated here from MeasureRecorded; the derived events would alert twice.
      ignore: ['MeasureCorrected', 'ImprovementDetected', 'DeteriorationDetected', 'SuicidalIdeationReported'],
    });
  }

  @KafkaTopicHandler(Topics.enrollment)
  onEnrollment(@Ctx() context: KafkaContext) {
    return this.enrollment.handle(fromKafkaContext(context));
  }

  @KafkaTopicHandler(Topics.scheduling)
  onScheduling(@Ctx() context: KafkaContext) {
    return this.scheduling.handle(fromKafkaContext(context));
  }

  @KafkaTopicHandler(Topics.outcomes)
  onOutcomes(@Ctx() context: KafkaContext) {
    return this.outcomes.handle(fromKafkaContext(context));
  }
}
