import { Controller, Inject } from '@nestjs/common';
import { Ctx, type KafkaContext } from '@nestjs/microservices';
import {
  AppointmentBooked,
  CaregiverLinked,
  CarePlanUpdated,
  CareTeamUpdated,
  ConditionRecorded,
  ConsentReceived,
  EncounterRecorded,
  FlagRecorded,
  MeasureRecorded,
  MedicationOrdered,
  MedicationStatementRecorded,
  ObservationRecorded,
  PatientRecorded,
  QuestionnaireAnswered,
  ReferralRequested,
  MemberEnrolled,
  MemberWithdrew,
  OffTrackForDose,
  SchedulingConflictDetected,
  TherapeuticContactBooked,
  TherapeuticLoadChanged,
  TherapeuticOverloadResolved,
  Topics,
  type IntegrationEvent,
} from '@carecircle/contracts';
import {
  fromKafkaContext,
  IntegrationEventConsumer,
  KafkaTopicHandler,
  on,
  type TopicHandler,
} from '@carecircle/platform/messaging';
import { coordinate, type LiaisonDeps, type RequestContext } from '@carecircle/clinician-liaison/application';
import type { ExternalFact, Instrument } from '@carecircle/clinician-liaison/domain';
import { LIAISON_DEPS } from '../liaison.deps';
import {
  careTeamAssignments,
  careTeamEnded,
  distressFlag,
  distressObservation,
  encounterIntent,
  item9Observation,
  medicationIntent,
  palliativeCondition,
  palliativePlanIntent,
  type CareTeamAssignment,
  type EncounterIntent,
  type MedicationIntent,
} from './gateway-ingest';

/** The topics clinician-liaison consumes; its tests prove each has exactly one handler. */
export const LIAISON_SUBSCRIPTIONS = [
  Topics.enrollment,
  Topics.scheduling,
  Topics.outcomes,
  Topics.gatewayIngest,
] as const;

const INSTRUMENTS: Record<string, Instrument> = {
  'phq-9': 'PHQ-9',
  'gad-7': 'GAD-7',
  'pcl-5': 'PCL-5',
  'zbi-22': 'ZBI-22',
};

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
  private readonly gateway: TopicHandler;

  constructor(consumer: IntegrationEventConsumer, @Inject(LIAISON_DEPS) deps: LiaisonDeps) {
    const run = coordinate(deps);
    const record = (memberId: string, event: IntegrationEvent, fact: ExternalFact) =>
      run(
        'RecordExternalFact',
        { memberId, sourceEventId: event.eventId, fact },
        { correlationId: event.correlationId, causationId: event.eventId },
      ).then((outcome) => {
        if (!outcome.ok) throw outcome.error;
      });
    /**
     * EHR medications from the gateway: one medication per gateway resourceId. A redelivered
     * revision decides to nothing (same order, same dose, already stopped); a later revision with
     * another dose is a dose change; a stopping status stops it. Nothing to stop or change is a no-op.
     */
    const medication = async (event: IntegrationEvent, memberId: string, intent: MedicationIntent) => {
      const context = { correlationId: event.correlationId, causationId: event.eventId };
      if (intent.kind === 'ignore') return;
      if (intent.kind === 'stop') {
        const stopped = await run('StopMedication', { memberId, medicationId: intent.medicationId }, context);
        if (!stopped.ok && stopped.error.code !== 'liaison.medication-unknown') throw stopped.error;
        return;
      }
      const started = await run(
        'StartMedication',
        { memberId, medicationId: intent.medicationId, order: intent.order, classification: intent.classification },
        context,
      );
      if (started.ok) return;
      if (started.error.code !== 'liaison.medication-conflict') throw started.error;
      const { dailyDose, doseUnit, frequency, prescriberId } = intent.order;
      const changed = await run(
        'ChangeMedicationDose',
        { memberId, medicationId: intent.medicationId, dailyDose, doseUnit, frequency, prescriberId },
        context,
      );
      // A stopped medication does not come back through a dose change: the EHR would send a new resource.
      if (!changed.ok && changed.error.code !== 'liaison.medication-stopped') throw changed.error;
    };
    const careTeam = async (
      event: IntegrationEvent,
      memberId: string,
      payload: Parameters<typeof careTeamAssignments>[0] & { status?: string | undefined },
    ) => {
      const context = { correlationId: event.correlationId, causationId: event.eventId };
      if (payload.status !== undefined && payload.status !== 'active' && !careTeamEnded(payload.status)) return; // proposed, suspended
      const assignments = careTeamAssignments(payload);
      await (careTeamEnded(payload.status)
        ? endAll(memberId, assignments, context)
        : assignAll(memberId, assignments, context));
    };
    const assignAll = async (memberId: string, assignments: CareTeamAssignment[], context: RequestContext) => {
      for (const { clinicianId, role, activeUntil } of assignments) {
        const assigned = await run(
          'AssignCareTeamMember',
          { memberId, clinicianId, role, endpoint: null, activeUntil },
          context,
        );
        if (!assigned.ok) throw assigned.error;
      }
    };
    const endAll = async (memberId: string, assignments: CareTeamAssignment[], context: RequestContext) => {
      for (const { clinicianId, role } of assignments) {
        const ended = await run('EndCareTeamMember', { memberId, clinicianId, role }, context);
        if (!ended.ok && ended.error.code !== 'liaison.care-team-member-unknown') throw ended.error;
      }
    };
    /** Encounter participants are on the care team while the encounter is under way; discharge ends it. */
    const encounter = async (event: IntegrationEvent, memberId: string, intent: EncounterIntent) => {
      const context = { correlationId: event.correlationId, causationId: event.eventId };
      if (intent.kind === 'assign') await assignAll(memberId, intent.assignments, context);
      if (intent.kind === 'end') await endAll(memberId, intent.assignments, context);
    };
    this.enrollment = consumer.forTopic(Topics.enrollment, {
      routes: [
        on(MemberEnrolled, (e) =>
          record(e.subject, e, { kind: 'group-joined', groupId: e.payload.groupId, at: e.payload.enrolledAt }),
        ),
        on(MemberWithdrew, (e) =>
          record(e.subject, e, { kind: 'group-left', groupId: e.payload.groupId, at: e.payload.withdrewAt }),
        ),
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
    });
    this.scheduling = consumer.forTopic(Topics.scheduling, {
      routes: [
        on(TherapeuticContactBooked, (e) =>
          record(e.payload.memberId, e, {
            kind: 'contact-booked',
            contactId: e.payload.contactId,
            contactKind: e.payload.kind,
            start: e.payload.start,
            end: e.payload.end,
          }),
        ),
        on(SchedulingConflictDetected, (e) =>
          record(e.payload.memberId, e, {
            kind: 'contact-booked',
            contactId: e.payload.sessionId,
            contactKind: 'group-session',
            start: e.payload.sessionStartsAt,
            end: e.payload.sessionEndsAt,
          }),
        ),
        // Scheduling counts the load (group sessions included): the overload rule judges its windows, once per episode.
        on(TherapeuticLoadChanged, (e) => {
          const { memberId, windowStart, windowEnd, contacts, cap, overCap, changedAt } = e.payload;
          return record(memberId, e, {
            kind: 'load-changed',
            windowStart,
            windowEnd,
            contacts,
            cap,
            overCap,
            at: changedAt,
          });
        }),
        on(TherapeuticOverloadResolved, (e) => {
          const { memberId, windowStart, windowEnd, resolvedAt } = e.payload;
          return record(memberId, e, { kind: 'overload-resolved', windowStart, windowEnd, at: resolvedAt });
        }),
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
        // Liaison keeps its own conflict findings from the contacts it sees; scheduling's conflict resolutions add nothing yet.
        'SchedulingConflictResolved',
      ],
    });
    this.outcomes = consumer.forTopic(Topics.outcomes, {
      routes: [
        on(MeasureRecorded, (e) =>
          record(e.subject, e, {
            kind: 'measure-recorded',
            instrument: INSTRUMENTS[e.payload.instrument] ?? 'other',
            score: e.payload.total,
            item9: e.payload.item9,
            at: e.payload.administeredAt,
          }),
        ),
      ],
      // Item 9 and worsening are evaluated here from MeasureRecorded; the derived events would alert twice.
      ignore: ['MeasureCorrected', 'ImprovementDetected', 'DeteriorationDetected', 'SuicidalIdeationReported'],
    });
    this.gateway = consumer.forTopic(Topics.gatewayIngest, {
      routes: [
        on(MedicationOrdered, (e) => medication(e, e.subject, medicationIntent(e.payload))),
        on(MedicationStatementRecorded, (e) => medication(e, e.subject, medicationIntent(e.payload))),
        on(CareTeamUpdated, (e) => careTeam(e, e.subject, e.payload)),
        on(EncounterRecorded, (e) => encounter(e, e.subject, encounterIntent(e.payload))),
        on(CarePlanUpdated, async (e) => {
          const intent = palliativePlanIntent(e.payload);
          if (intent.kind === 'ignore') return;
          const started = await run(
            'StartPalliativePlan',
            { memberId: e.subject, planId: intent.planId, goalsOfCare: '' },
            { correlationId: e.correlationId, causationId: e.eventId },
          );
          if (!started.ok) throw started.error;
        }),
        // The birth date, for ages computed when a rule runs; a Patient without one changes nothing.
        on(PatientRecorded, async (e) => {
          if (!e.payload.birthDate) return;
          const recorded = await run(
            'RecordBirthDate',
            { memberId: e.subject, birthDate: e.payload.birthDate },
            { correlationId: e.correlationId, causationId: e.eventId },
          );
          if (!recorded.ok) throw recorded.error;
        }),
        // Item 9 sent on its own: outcomes scores totals only, so liaison takes the answer itself.
        // Acute distress from the EHR (an Observation coded so) is the same fact a facilitator reports.
        on(ObservationRecorded, async (e) => {
          const fact = item9Observation(e.payload, e.occurredAt) ?? distressObservation(e.payload, e.occurredAt);
          if (fact) await record(e.subject, e, fact);
        }),
        // A palliative-care Condition: the palliative cohort (opioid dose informational), not an alert.
        on(ConditionRecorded, async (e) => {
          const fact = palliativeCondition(e.payload, e.occurredAt);
          if (fact) await record(e.subject, e, fact);
        }),
        on(FlagRecorded, async (e) => {
          const fact = distressFlag(e.payload, e.occurredAt);
          if (fact) await record(e.subject, e, fact);
        }),
      ],
      // Referrals go to enrollment, appointments to scheduling, answers and totals to outcomes.
      ignore: [
        ReferralRequested.type,
        ConsentReceived.type,
        QuestionnaireAnswered.type,
        AppointmentBooked.type,
        CaregiverLinked.type,
      ],
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

  @KafkaTopicHandler(Topics.gatewayIngest)
  onGatewayIngest(@Ctx() context: KafkaContext) {
    return this.gateway.handle(fromKafkaContext(context));
  }
}
