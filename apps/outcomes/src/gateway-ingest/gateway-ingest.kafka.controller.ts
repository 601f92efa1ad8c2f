import { Controller, Inject } from '@nestjs/common';
import { Ctx, type KafkaContext } from '@nestjs/microservices';
import { ObservationRecorded, QuestionnaireAnswered, Topics, type IntegrationEvent } from '@carecircle/contracts';
import {
  fromKafkaContext,
  IntegrationEventConsumer,
  KafkaTopicHandler,
  on,
  type TopicHandler,
} from '@carecircle/platform/messaging';
import { createLogger } from '@carecircle/platform/observability';
import {
  ingestGatewayMeasure,
  observationToMeasure,
  questionnaireToMeasure,
  type GatewayMeasure,
  type OutcomesDeps,
} from '@carecircle/outcomes/application';
import { OUTCOMES_DEPS } from '../outcomes.deps';

/**
 * Survey answers the gateway took in from the EHR become outcomes' own measures: PHQ-9 and GAD-7
 * total Observations (LOINC 44261-6, 70274-6) and PHQ-9 QuestionnaireResponses. The measure id is
 * derived from the gateway resourceId and revision, so a redelivery is a no-op and a new revision
 * corrects the earlier measure. Out-of-scope codes and unscorable content are skipped and logged by
 * code and event id only (no values, no member id).
 */
@Controller()
export class GatewayIngestKafkaController {
  private readonly logger = createLogger('outcomes');
  private readonly gateway: TopicHandler;

  constructor(consumer: IntegrationEventConsumer, @Inject(OUTCOMES_DEPS) deps: OutcomesDeps) {
    const ingest = ingestGatewayMeasure(deps);
    const apply = async (
      event: IntegrationEvent & { payload: { resourceId: string; revision: number } },
      measure: GatewayMeasure,
    ) => {
      if (measure.kind === 'ignored') return;
      const outcome = await ingest(event.subject, event.payload, measure, {
        correlationId: event.correlationId,
        causationId: event.eventId,
      });
      if (outcome.ok) return;
      // A domain error (unscorable, conflicting) is the same on a retry: skip it, never poison the topic.
      this.logger.warn(
        { eventId: event.eventId, type: event.type, code: outcome.error.code },
        'gateway measure skipped',
      );
    };
    this.gateway = consumer.forTopic(Topics.gatewayIngest, {
      routes: [
        on(ObservationRecorded, (event) => apply(event, observationToMeasure(event))),
        on(QuestionnaireAnswered, (event) => apply(event, questionnaireToMeasure(event))),
      ],
      ignore: [
        'ReferralRequested',
        'ConditionRecorded',
        'ConsentReceived',
        'MedicationOrdered',
        'MedicationStatementRecorded',
        'AppointmentBooked',
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
  onGatewayIngest(@Ctx() context: KafkaContext) {
    return this.gateway.handle(fromKafkaContext(context));
  }
}
