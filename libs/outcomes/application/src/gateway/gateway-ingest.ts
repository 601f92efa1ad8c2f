import { createHash } from 'node:crypto';
import type { QuestionnaireResponse, QuestionnaireResponseItemAnswer } from '@medplum/fhirtypes';
import type { EventOf, ObservationRecorded, QuestionnaireAnswered } from '@carecircle/contracts';
import { handleCommand, type CommandOutcome } from '@carecircle/platform/event-sourcing';
import { isDomainError, type RequestContext } from '@carecircle/shared-kernel';
import {
  activeMeasures,
  memberOutcomesDecider,
  memberOutcomesStreamId,
  type Instrument,
  type MeasureDetails,
  type MeasureInput,
  type MeasurementPoint,
  type MemberOutcomesCommand,
  type MemberOutcomesEvent,
  type MemberOutcomesState,
} from '@carecircle/outcomes/domain';
import { LOINC, PHQ9_QUESTIONNAIRE, questionnaireResponseToPhq9Answers } from '../fhir/fhir-mapping';
import type { OutcomesDeps } from '../outcomes.deps';

/** Who administered a measure taken in from the EHR: the gateway, never a named clinician. */
export const GATEWAY_ADMINISTERED_BY = 'ehr-gateway';
/** Observation totals we map, by LOINC code (the same verified codes fhir-mapping publishes). */
const TOTAL_LOINC: Record<string, Instrument> = { '44261-6': 'phq-9', '70274-6': 'gad-7' };
const PHQ9_TOTAL_LOINC = '44261-6';
const SCORED_OBSERVATION = new Set(['final', 'amended', 'corrected']);

/** What one gateway resource version means for outcomes: a measure to record, or why it is ignored. */
export type GatewayMeasure =
  | { kind: 'measure'; instrument: Instrument; input: MeasureInput; administeredAt: string }
  | { kind: 'ignored'; reason: string };

/**
 * The measure id of one version of one gateway resource: a UUID derived from the gateway's
 * resourceId and revision, so a redelivery lands on the measure already recorded.
 */
export function gatewayMeasureId(resourceId: string, revision: number): string {
  const hex = createHash('sha256').update(`gateway-ingest\u0000${resourceId}\u0000${revision}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** FHIR date/dateTime (partial allowed) as an ISO instant; missing → the event's own time. */
export function toInstant(value: string | undefined, fallback: string): string {
  if (!value) return new Date(fallback).toISOString();
  if (/^\d{4}$/.test(value)) return `${value}-01-01T00:00:00.000Z`;
  if (/^\d{4}-\d{2}$/.test(value)) return `${value}-01T00:00:00.000Z`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T00:00:00.000Z`;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? new Date(fallback).toISOString() : parsed.toISOString();
}

/** An Observation with a PHQ-9 or GAD-7 total LOINC code and a numeric value: a total-only measure. */
export function observationToMeasure(event: EventOf<typeof ObservationRecorded>): GatewayMeasure {
  const { payload } = event;
  if (!SCORED_OBSERVATION.has(payload.status)) return { kind: 'ignored', reason: 'observation-status' };
  const coding = payload.codes.find((c) => c.system === LOINC && TOTAL_LOINC[c.code] !== undefined);
  if (!coding) return { kind: 'ignored', reason: 'observation-code' };
  if (!payload.value) return { kind: 'ignored', reason: 'observation-no-value' };
  return {
    kind: 'measure',
    instrument: TOTAL_LOINC[coding.code]!,
    input: { kind: 'total', total: payload.value.value },
    administeredAt: toInstant(payload.effective, event.occurredAt),
  };
}

/**
 * A PHQ-9 QuestionnaireResponse: the coded and numeric answers go through the same linkId/LL358-3
 * mapping as FHIR QuestionnaireResponses posted to outcomes, giving every item including item 9.
 * A response that carries no item but the PHQ-9 total (linkId 44261-6) is recorded as a total.
 */
export function questionnaireToMeasure(event: EventOf<typeof QuestionnaireAnswered>): GatewayMeasure {
  const { payload } = event;
  if (payload.questionnaire === undefined || payload.questionnaire.split('|')[0] !== PHQ9_QUESTIONNAIRE)
    return { kind: 'ignored', reason: 'questionnaire-not-phq9' };
  const administeredAt = toInstant(payload.authored, event.occurredAt);
  const response: QuestionnaireResponse = {
    resourceType: 'QuestionnaireResponse',
    questionnaire: PHQ9_QUESTIONNAIRE,
    status: payload.status as QuestionnaireResponse['status'],
    item: payload.answers.flatMap(({ linkId, value }) => {
      const answer: QuestionnaireResponseItemAnswer | undefined =
        typeof value === 'number'
          ? { valueInteger: value }
          : typeof value === 'boolean'
            ? undefined
            : { valueCoding: { system: value.system, code: value.code } };
      return answer ? [{ linkId, answer: [answer] }] : [];
    }),
  };
  const answers = questionnaireResponseToPhq9Answers(response);
  if (!isDomainError(answers))
    return { kind: 'measure', instrument: 'phq-9', input: { kind: 'answers', answers }, administeredAt };
  const total = payload.answers.find((a) => a.linkId === PHQ9_TOTAL_LOINC && typeof a.value === 'number');
  if (
    answers.code === 'outcomes.fhir-not-phq9' &&
    total &&
    (payload.status === 'completed' || payload.status === 'amended')
  ) {
    return {
      kind: 'measure',
      instrument: 'phq-9',
      input: { kind: 'total', total: total.value as number },
      administeredAt,
    };
  }
  return { kind: 'ignored', reason: answers.code };
}

/**
 * Records (revision 1) or corrects (a later revision) the measure of one gateway resource version.
 * - Measure id: {@link gatewayMeasureId}(resourceId, revision); a redelivery is "already recorded".
 * - A later revision corrects the standing measure of the latest earlier revision found; an older
 *   revision arriving after a newer one changes nothing.
 * - Point: the service's baseline rule (the member's earliest standing measure of an instrument is
 *   the baseline): `baseline` when no standing measure of the instrument, from another resource, was
 *   administered earlier; otherwise `follow-up`. A correction keeps the point of what it corrects;
 *   a redelivery keeps the point first given, so it stays a no-op.
 */
export function ingestGatewayMeasure(deps: OutcomesDeps) {
  const decider = memberOutcomesDecider(deps.config);
  return (
    memberId: string,
    source: { resourceId: string; revision: number },
    measure: Extract<GatewayMeasure, { kind: 'measure' }>,
    context: RequestContext,
  ): Promise<CommandOutcome<MemberOutcomesEvent>> =>
    // One read and fold of the member's stream: the command (record, correct or nothing) is chosen on
    // the state it will be decided on, and chosen again if a concurrent append wins.
    handleCommand(deps.store, memberOutcomesStreamId(memberId), decider, (state) =>
      gatewayMeasureCommand(state, memberId, source, measure, { now: deps.clock.now(), ...context }),
    );
}

function gatewayMeasureCommand(
  state: MemberOutcomesState,
  memberId: string,
  source: { resourceId: string; revision: number },
  measure: Extract<GatewayMeasure, { kind: 'measure' }>,
  metadata: MemberOutcomesCommand['metadata'],
): MemberOutcomesCommand | undefined {
  const byId = new Map(state.measures.map((m) => [m.measureId, m]));
  const measureId = gatewayMeasureId(source.resourceId, source.revision);
  const ownIds = new Set<string>();
  for (let r = 1; r <= source.revision + 100; r++) ownIds.add(gatewayMeasureId(source.resourceId, r));
  const existing = byId.get(measureId);
  let newer = false;
  for (let r = source.revision + 1; r <= source.revision + 100 && !newer; r++)
    newer = byId.has(gatewayMeasureId(source.resourceId, r));
  // An older revision after a newer one, or a correction delivered again: nothing to do.
  if ((!existing && newer) || existing?.correctsMeasureId) return undefined;
  let corrects: string | undefined;
  for (let r = source.revision - 1; r >= 1 && !corrects; r--) {
    const earlier = byId.get(gatewayMeasureId(source.resourceId, r));
    if (earlier) corrects = earlier.supersededBy === null ? earlier.measureId : undefined;
    if (earlier && !corrects) break;
  }
  const correctsMeasure = corrects ? byId.get(corrects) : undefined;
  const point: MeasurementPoint =
    existing?.point ??
    correctsMeasure?.point ??
    (activeMeasures(state.measures, measure.instrument).some(
      (m) => !ownIds.has(m.measureId) && m.administeredAt < measure.administeredAt,
    )
      ? 'follow-up'
      : 'baseline');
  const details: MeasureDetails = {
    memberId,
    measureId,
    instrument: measure.instrument,
    input: measure.input,
    point,
    administeredAt: measure.administeredAt,
    administeredBy: GATEWAY_ADMINISTERED_BY,
    groupId: null,
  };
  if (!existing && corrects)
    return {
      type: 'CorrectMeasure',
      data: { ...details, correctsMeasureId: corrects, reason: `gateway revision ${source.revision}` },
      metadata,
    };
  return { type: 'RecordMeasure', data: details, metadata };
}
