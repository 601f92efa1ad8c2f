import { Controller, Inject } from '@nestjs/common';
import { Ctx, type KafkaContext } from '@nestjs/microservices';
import { AppointmentBooked, Topics } from '@carecircle/contracts';
import { createLogger } from '@carecircle/platform/observability';
import {
  fromKafkaContext,
  IntegrationEventConsumer,
  KafkaTopicHandler,
  on,
  type TopicHandler,
} from '@carecircle/platform/messaging';
import { ingestAppointment, type SchedulingDeps } from '@carecircle/scheduling/application';
import { SCHEDULING_DEPS } from '../scheduling.deps';

/**
 * What the gateway took in from the EHR: appointments become the member's therapeutic contacts (and so
 * their load and clashes with group sessions). Every other gateway fact belongs to other services.
 */
@Controller()
export class GatewayEventsKafkaController {
  private readonly gateway: TopicHandler;
  private readonly logger = createLogger('scheduling');

  constructor(consumer: IntegrationEventConsumer, @Inject(SCHEDULING_DEPS) deps: SchedulingDeps) {
    const ingest = ingestAppointment(deps);
    this.gateway = consumer.forTopic(Topics.gatewayIngest, {
      routes: [
        on(AppointmentBooked, async (event) => {
          const { resourceId, revision, status, serviceTypes, start, end } = event.payload;
          const result = await ingest(
            { memberId: event.subject, resourceId, revision, status, serviceTypes, start, end },
            { correlationId: event.correlationId, causationId: event.eventId },
          );
          // Ids, codes of our own and statuses only: no clinical free text, nothing identifying.
          if (result.status === 'ignored')
            this.logger.debug(
              { eventId: event.eventId, resourceId, revision, reason: result.reason },
              'gateway appointment changes no therapeutic contact',
            );
        }),
      ],
      // Listed one by one, so a type the gateway adds later is logged as unknown rather than dropped unseen.
      ignore: [
        'ReferralRequested',
        'ConditionRecorded',
        'ConsentReceived',
        'QuestionnaireAnswered',
        'ObservationRecorded',
        'MedicationOrdered',
        'MedicationStatementRecorded',
        'CareTeamUpdated',
        'CarePlanUpdated',
        'EncounterRecorded',
        'CaregiverLinked',
        // Birth dates and risk flags are clinician-liaison's (age and distress rules).
        'PatientRecorded',
        'FlagRecorded',
      ],
    });
  }

  @KafkaTopicHandler(Topics.gatewayIngest)
  onGatewayEvent(@Ctx() context: KafkaContext) {
    return this.gateway.handle(fromKafkaContext(context));
  }
}
