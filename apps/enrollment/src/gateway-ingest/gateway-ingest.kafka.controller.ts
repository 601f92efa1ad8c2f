import { Controller, Inject } from '@nestjs/common';
import { Ctx, type KafkaContext } from '@nestjs/microservices';
import {
  ConditionRecorded,
  ConsentReceived,
  gatewayEvents,
  ObservationRecorded,
  QuestionnaireAnswered,
  ReferralRequested,
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
import { createLogger } from '@carecircle/platform/observability';
import {
  conditionEvidence,
  consentEvidence,
  intakeEhrEvidence,
  observationEvidence,
  questionnaireEvidence,
  referralEvidence,
} from '@carecircle/enrollment/application';
import type { EhrEvidence } from '@carecircle/enrollment/domain';
import { isDomainError } from '@carecircle/shared-kernel';
import { ENROLLMENT_DEPS, type EnrollmentDeps } from '../enrollment.deps';
import { ENROLLMENT_CONFIG, type EnrollmentConfig } from '../enrollment.config';

const ROUTED: readonly string[] = [
  ReferralRequested.type,
  ObservationRecorded.type,
  QuestionnaireAnswered.type,
  ConditionRecorded.type,
  ConsentReceived.type,
];

/**
 * The EHR's referrals reach enrollment through the gateway: a ServiceRequest to a support group
 * becomes a referral, screened once the member's PHQ-9 (with item 9), GAD-7 and diagnoses from the
 * same feed are enough, whichever arrives first. The member's FHIR Consents (treatment, confidentiality)
 * record or withdraw the consents placement requires, as the REST consent routes do. Redeliveries and re-posts change nothing (the intake
 * notes each resource revision once); a revoked ServiceRequest cancels a referral not yet placed.
 * What could not follow the EHR is logged by code, event id and referral id only (no values, no member).
 */
@Controller()
export class GatewayIngestKafkaController {
  private readonly logger = createLogger('enrollment');
  private readonly gateway: TopicHandler;

  constructor(
    consumer: IntegrationEventConsumer,
    @Inject(ENROLLMENT_DEPS) deps: EnrollmentDeps,
    @Inject(ENROLLMENT_CONFIG) config: EnrollmentConfig,
  ) {
    const intake = intakeEhrEvidence(deps);
    const apply = async (
      event: IntegrationEvent & { payload: { resourceId: string; revision: number } },
      evidence: EhrEvidence,
    ) => {
      const { resourceId, revision } = event.payload;
      const result = await intake(event.subject, { resourceId, revision }, evidence, {
        correlationId: event.correlationId,
        causationId: event.eventId,
      });
      // A domain error is the same on a retry: log and settle, never poison the partition.
      if (isDomainError(result))
        return void this.logger.warn(
          { eventId: event.eventId, type: event.type, code: result.code },
          'gateway evidence skipped',
        );
      for (const { referralId, code } of result.refused)
        this.logger.warn(
          { eventId: event.eventId, type: event.type, referralId, code },
          'EHR referral update not applied',
        );
    };
    this.gateway = consumer.forTopic(Topics.gatewayIngest, {
      routes: [
        on(ReferralRequested, (event) => apply(event, referralEvidence(event.payload, config.ehrReferralCodes))),
        on(ObservationRecorded, (event) => apply(event, observationEvidence(event))),
        on(QuestionnaireAnswered, (event) => apply(event, questionnaireEvidence(event))),
        on(ConditionRecorded, (event) => apply(event, conditionEvidence(event.payload))),
        // An ended period is judged at intake, on enrollment's clock.
        on(ConsentReceived, (event) => apply(event, consentEvidence(event, deps.clock.now()))),
      ],
      // Medications and care teams go to clinician-liaison, appointments to scheduling.
      ignore: gatewayEvents.map((definition) => definition.type).filter((type) => !ROUTED.includes(type)),
    });
  }

  @KafkaTopicHandler(Topics.gatewayIngest)
  onGatewayIngest(@Ctx() context: KafkaContext) {
    return this.gateway.handle(fromKafkaContext(context));
  }
}
