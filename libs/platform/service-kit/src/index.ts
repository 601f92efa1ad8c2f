export { bootstrapService, LISTENING_LOG_MESSAGE, type BootstrapServiceOptions } from './bootstrap/bootstrap-service';
export {
  runService,
  checkServiceEnvironment,
  exitOnStartupFailure,
  type RunServiceOptions,
  type CheckedServiceEnvironment,
} from './bootstrap/run-service';
export {
  DEFAULT_JSON_MAX_DEPTH,
  exceedsJsonDepth,
  rejectDeepJson,
  bodyRejection,
  JsonTooDeepError,
  type BodyRejection,
} from './bootstrap/json-body-limits';
export { RefusedBodyException } from './bootstrap/malformed-body';
export {
  createValidationPipe,
  validationProblem,
  fieldErrors,
  type FieldValidationError,
  type ValidationProblem,
} from './bootstrap/validation';
export { setupOpenApi, buildOpenApiDocument, OPENAPI_PATH, BEARER_SCHEME } from './bootstrap/openapi';
export {
  ApiServiceErrors,
  ApiDomainErrors,
  ApiDomainError,
  ApiHttpError,
  ValidationProblemDto,
  FieldValidationErrorDto,
  HttpErrorDto,
  DomainProblemDto,
  type DomainErrorStatus,
} from './bootstrap/openapi-responses';
export { ApiFhirErrors, fhirResourceSchema, fhirBundleSchema, FHIR_JSON_MEDIA } from './bootstrap/openapi-fhir';
export { ApiCdsDiscovery, ApiCdsServiceCall, ApiCdsFeedback } from './bootstrap/openapi-cds-hooks';
export { HealthModule, type HealthModuleOptions } from './health/health.module';
export { HEALTH_CONTRIBUTORS, type HealthContributor } from './health/health-contributor';
export { DatabaseHealthContributor } from './health/database-health.contributor';
export { readServiceEnv, commonServiceEnv, envVar, ServiceEnvError } from './config/service-env';
export { productionMode, IN_PRODUCTION, isLoopbackHost, isPlainHttpToRemoteHost } from './config/production-mode';
export { readKafkaSecurity, readKafkaSecuritySettings } from './config/kafka-security-env';
export {
  DomainError,
  isDomainError,
  HTTP_STATUS_BY_CATEGORY,
  type DomainErrorLike,
  type DomainErrorCategory,
} from './errors/domain-error';
export { DomainErrorFilter, type DomainErrorFilterOptions, type DomainProblem } from './errors/domain-error.filter';
export {
  startServiceProcess,
  listeningPort,
  type ServiceProcess,
  type StartServiceProcessOptions,
} from './testing/start-service-process';
export {
  PersistenceModule,
  EVENT_STORE,
  LOG_APPEND_SIGNAL,
  type PersistenceModuleOptions,
} from './wiring/persistence.module';
export {
  MessagingModule,
  OutboxRelayHealthContributor,
  pinoMessagingLogger,
  KAFKA,
  KAFKA_PRODUCER,
  OUTBOX_RELAY,
  type MessagingModuleOptions,
} from './wiring/messaging.module';
export { connectKafkaConsumer } from './wiring/connect-kafka-consumer';
export { readEventSourcedServiceEnv, type EventSourcedServiceEnv } from './wiring/wiring-env';
export { CommandContext } from './http/command-context.decorator';
export { unwrapOutcome, fieldError } from './http/command-outcome';
export { Public, CurrentCaller, type Caller, type RequestWithCaller } from './auth/caller';
export { BearerTokenVerifier, ROLE_CLAIM, type Verification } from './auth/bearer-token-verifier';
export { readTrustedIssuers, type TrustedIssuer } from './auth/trusted-issuers';
export { ServiceTokenGuard } from './auth/service-token.guard';
export { startLocalTokenIssuer, type LocalTokenIssuer } from './auth/local-token-issuer';
export { serviceAudience } from './auth/service-token.guard';
export {
  Access,
  CurrentAccess,
  accessViewOf,
  ACCESS_METADATA,
  type AccessTarget,
  type AccessMetadata,
  type AccessView,
  type RequestAccess,
  type RequestWithAccess,
} from './access/access.decorator';
export { AccessModule, AccessContext, type AccessModuleOptions, type MemberLookups } from './access/access.module';
export {
  MEMBER_RELATIONS_COLUMNS,
  memberRelationsOf,
  RelationshipStore,
  type MemberRelationsRow,
} from './access/relationship-store';
export { RelationshipProjector } from './access/relationship-projector';
export { ServiceAuditLog, type ServiceAuditEntry } from './access/service-audit-log';
export { accessMigrations } from './access/access-migrations';
export { declaredRoutes, type DeclaredRoute } from './access/route-access';
export {
  MATRIX_PEOPLE,
  MATRIX_CALLERS,
  MATRIX_MIRROR,
  matrixTokens,
  matrixAnswers,
  bearerRequests,
  type MatrixCaller,
  type MatrixRoute,
  type MatrixSide,
} from './testing/access-matrix';
export {
  EventProcessor,
  type EventProcessorOptions,
  type EventProcessorStatus,
  type EventProcessorLogger,
  type ReplayOutcome,
} from './processing/event-processor';
export { EventProcessorRegistry } from './processing/event-processor-registry';
export { leasePoolOf, ProcessorLease } from './processing/processor-lease';
export { startSerialPoller, type SerialPoller } from './processing/serial-poller';
export { ProcessingModule, type ProcessingModuleOptions } from './processing/processing.module';
export {
  parkEvent,
  listParkedEvents,
  findParkedEvent,
  forgetParkedEvent,
  countParkedEvents,
  type ParkedEvent,
} from './processing/parked-events';
export { ParkedEventsHealthContributor, ParkedWorkHealthContributor } from './processing/parked-events.health';
export { processingMigrations } from './processing/processing-migrations';
export {
  defineServiceEnv,
  checkServiceEnv,
  describeServiceEnv,
  platformServiceEnv,
  productionModeEnv,
  observabilityEnv,
  requiredIn,
  problemsOf,
  type ServiceEnvSchema,
  type EnvVariableDoc,
  type Requirement,
} from './config/service-env-schema';
export { eventSourcedServiceEnv } from './wiring/wiring-env';
export { kafkaSecurityEnv } from './config/kafka-security-env';
export { trustedIssuersEnv } from './auth/trusted-issuers';
