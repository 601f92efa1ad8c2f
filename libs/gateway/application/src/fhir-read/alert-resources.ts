import type { Communication, DetectedIssue, Flag, Task } from '@medplum/fhirtypes';
import {
  ALERT_ISSUE_SEVERITY,
  ALERT_PRIORITY,
  DRUG_CONFLICT_RULES,
  type AlertAcknowledged,
  type AlertEscalated,
  type AlertResolved,
  type CoordinationAlertRaised,
  type EventOf,
} from '@carecircle/contracts';
import type { AlertState } from '@carecircle/gateway/domain';
import { FhirReadSystems, metaOf, patientReference, payloadOf, staffReference, type PatientIds, type StoredEvent } from './fhir-read-references';

/** The events that make up one coordination alert (all carry `alertId`; subject the member). */
export const ALERT_EVENT_TYPES = ['CoordinationAlertRaised', 'AlertAcknowledged', 'AlertEscalated', 'AlertResolved'] as const;

type Raised = EventOf<typeof CoordinationAlertRaised>['payload'];
type Acknowledged = EventOf<typeof AlertAcknowledged>['payload'];
type Escalated = EventOf<typeof AlertEscalated>['payload'];
type Resolved = EventOf<typeof AlertResolved>['payload'];

interface AlertStep {
  state: Exclude<AlertState, 'raised'>;
  at: string;
  by: string | null;
  level?: number;
}

/** One alert folded from its events: what was raised, and every later step in time order. */
export interface FoldedAlert {
  memberId: string;
  raised: Raised;
  steps: AlertStep[];
  status: AlertState;
  events: StoredEvent[];
}

/** Rules about the member's safety: their Flag is a safety flag. */
const SAFETY_RULES: ReadonlySet<string> = new Set(['suicidal-ideation', 'acute-distress']);

const words = (code: string) => code.replace(/-/g, ' ');

function stepOf(event: StoredEvent): AlertStep | undefined {
  switch (event.type) {
    case 'AlertAcknowledged': {
      const p = payloadOf<Acknowledged>(event);
      return { state: p.outcome === 'overridden' ? 'overridden' : 'acknowledged', at: p.acknowledgedAt, by: p.acknowledgedBy };
    }
    case 'AlertEscalated': {
      const p = payloadOf<Escalated>(event);
      return { state: 'escalated', at: p.escalatedAt, by: p.escalatedTo, level: p.level };
    }
    case 'AlertResolved': {
      const p = payloadOf<Resolved>(event);
      return { state: 'resolved', at: p.resolvedAt, by: p.resolvedBy };
    }
    default:
      return undefined;
  }
}

/**
 * Folds alert events (any order, any mix of alerts) into alerts by id. An alert whose raising event
 * the gateway has not received is left out: its lifecycle alone says too little to describe it.
 * Status as on the care timeline: resolved once resolved, otherwise the latest step.
 */
export function foldAlerts(events: readonly StoredEvent[]): FoldedAlert[] {
  const byId = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const alertId = (event.payload as { alertId?: unknown }).alertId;
    if (typeof alertId === 'string' && (ALERT_EVENT_TYPES as readonly string[]).includes(event.type)) byId.set(alertId, [...(byId.get(alertId) ?? []), event]);
  }
  return [...byId.values()].flatMap((alertEvents) => {
    const raisedEvent = alertEvents.find((event) => event.type === 'CoordinationAlertRaised');
    if (!raisedEvent) return [];
    const steps = alertEvents.flatMap((event) => stepOf(event) ?? []).sort((a, b) => a.at.localeCompare(b.at));
    const status: AlertState = steps.some((step) => step.state === 'resolved') ? 'resolved' : (steps.at(-1)?.state ?? 'raised');
    return [{ memberId: raisedEvent.subject, raised: payloadOf<Raised>(raisedEvent), steps, status, events: alertEvents }];
  });
}

const isOpen = (alert: FoldedAlert) => alert.status === 'raised' || alert.status === 'escalated';
const acknowledgement = (alert: FoldedAlert) => alert.steps.find((step) => step.state === 'acknowledged' || step.state === 'overridden');
const resolution = (alert: FoldedAlert) => alert.steps.find((step) => step.state === 'resolved');
const ruleCoding = (alert: FoldedAlert) => ({ system: FhirReadSystems.rule, code: alert.raised.rule, display: words(alert.raised.rule) });
/** Every resource of one alert has the alert's id, its version and the identifier clinician-liaison pushes with. */
const named = (alert: FoldedAlert) => ({ id: alert.raised.alertId, meta: metaOf(alert.events), identifier: [{ system: FhirReadSystems.alert, value: alert.raised.alertId }] });
/** Plain words from codes only: the bus carries no drug names or free text, so neither does this. */
const summaryOf = (alert: FoldedAlert) => `Coordination alert (${alert.raised.severity}): ${words(alert.raised.rule)}, for the ${words(alert.raised.recipientRole)}`;

/**
 * The alert as sent to its recipient. In progress while it waits for acknowledgement (raised or
 * escalated); completed once acknowledged, overridden or resolved. Same id and identifier as
 * clinician-liaison's push.
 */
export function alertToCommunication(alert: FoldedAlert, patientIds: PatientIds): Communication {
  const received = acknowledgement(alert) ?? resolution(alert);
  return {
    resourceType: 'Communication',
    ...named(alert),
    status: isOpen(alert) ? 'in-progress' : 'completed',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: 'alert', display: 'Alert' }] }],
    priority: ALERT_PRIORITY[alert.raised.severity],
    subject: patientReference(alert.memberId, patientIds),
    topic: { coding: [ruleCoding(alert)] },
    ...(alert.raised.recipientId ? { recipient: [staffReference(alert.raised.recipientId)] } : {}),
    sent: alert.raised.raisedAt,
    ...(received ? { received: received.at } : {}),
    payload: [{ contentString: summaryOf(alert) }],
  };
}

/**
 * The clinical concern the alert is about. Preliminary until a clinician has looked at it; final once
 * acknowledged, overridden or resolved, each of those a mitigation with who and when.
 */
export function alertToDetectedIssue(alert: FoldedAlert, patientIds: PatientIds): DetectedIssue {
  const drugConflict = DRUG_CONFLICT_RULES.has(alert.raised.rule);
  const mitigations = alert.steps.filter((step) => step.state !== 'escalated');
  return {
    resourceType: 'DetectedIssue',
    ...named(alert),
    status: isOpen(alert) ? 'preliminary' : 'final',
    code: {
      coding: [ruleCoding(alert), ...(drugConflict ? [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'DRG', display: 'Drug Interaction Alert' }] : [])],
      text: words(alert.raised.rule),
    },
    severity: ALERT_ISSUE_SEVERITY[alert.raised.severity],
    patient: patientReference(alert.memberId, patientIds),
    identifiedDateTime: alert.raised.raisedAt,
    detail: summaryOf(alert),
    ...(mitigations.length > 0
      ? {
          mitigation: mitigations.map((step) => ({
            action: { coding: [{ system: FhirReadSystems.alertStep, code: step.state, display: step.state }] },
            date: step.at,
            ...(step.by ? { author: staffReference(step.by) } : {}),
          })),
        }
      : {}),
  };
}

/**
 * A chart banner for a critical alert only: what a clinician opening the record must not miss (an
 * unresolved suicidal-ideation, acute-distress or drug-conflict alert). Warnings and information would
 * bury it, so they have no Flag. Active until resolved: acknowledging says someone saw it, not that
 * the danger is gone.
 */
export function alertToFlag(alert: FoldedAlert, patientIds: PatientIds): Flag | undefined {
  if (alert.raised.severity !== 'critical') return undefined;
  const category = SAFETY_RULES.has(alert.raised.rule) ? { code: 'safety', display: 'Safety' } : DRUG_CONFLICT_RULES.has(alert.raised.rule) ? { code: 'drug', display: 'Drug' } : { code: 'clinical', display: 'Clinical' };
  const resolved = resolution(alert);
  return {
    resourceType: 'Flag',
    ...named(alert),
    status: resolved ? 'inactive' : 'active',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', ...category }] }],
    code: { coding: [ruleCoding(alert)], text: `Critical coordination alert: ${words(alert.raised.rule)}` },
    subject: patientReference(alert.memberId, patientIds),
    period: { start: alert.raised.raisedAt, ...(resolved ? { end: resolved.at } : {}) },
  };
}

/**
 * The work the alert asks for: its recipient acknowledges it before `escalationDueAt`, or it escalates
 * to someone else (who then owns it). Completed when acknowledged or overridden; cancelled when the
 * alert was resolved without anyone acknowledging it (the work is no longer needed).
 */
export function alertToTask(alert: FoldedAlert, patientIds: PatientIds): Task {
  const acknowledged = acknowledgement(alert);
  const escalations = alert.steps.filter((step) => step.state === 'escalated');
  const owner = escalations.at(-1)?.by ?? alert.raised.recipientId;
  const status: Task['status'] = acknowledged ? 'completed' : resolution(alert) ? 'cancelled' : 'requested';
  const businessStatus = acknowledged ? acknowledged.state : resolution(alert) ? 'resolved' : escalations.length > 0 ? `escalated (level ${escalations.at(-1)?.level ?? escalations.length})` : 'awaiting acknowledgement';
  const lastStep = alert.steps.at(-1);
  return {
    resourceType: 'Task',
    ...named(alert),
    status,
    businessStatus: { text: businessStatus },
    intent: 'order',
    priority: ALERT_PRIORITY[alert.raised.severity],
    code: { coding: [{ system: FhirReadSystems.taskCode, code: 'acknowledge-coordination-alert', display: 'Acknowledge coordination alert' }] },
    description: summaryOf(alert),
    focus: { reference: `Communication/${alert.raised.alertId}` },
    for: patientReference(alert.memberId, patientIds),
    authoredOn: alert.raised.raisedAt,
    lastModified: lastStep?.at ?? alert.raised.raisedAt,
    ...(owner ? { owner: staffReference(owner) } : {}),
    ...(alert.raised.escalationDueAt ? { restriction: { period: { end: alert.raised.escalationDueAt } } } : {}),
    ...(acknowledged || resolution(alert) ? { executionPeriod: { start: alert.raised.raisedAt, end: (acknowledged ?? resolution(alert))?.at } } : {}),
  };
}

/** The id of the psychiatric-evaluation Task of a suicidal-ideation alert: the alert's id and this suffix. */
export const EVALUATION_TASK_SUFFIX = '-evaluation';

/** End of the calendar day (UTC) of an instant: "same day" for the evaluation an item-9 answer calls for. */
const endOfDay = (instant: string) => `${new Date(instant).toISOString().slice(0, 10)}T23:59:59Z`;

/**
 * PHQ-9 item 9 above 0 calls for a psychiatric evaluation the same day: the attending psychiatrist's
 * copy of a suicidal-ideation alert is also that order, a stat Task owned by them, due by the end of
 * the day it was raised. Requested until they acknowledge the alert, then completed; cancelled when
 * the alert was resolved without anyone acknowledging it. No other alert orders an evaluation.
 */
export function alertToEvaluationTask(alert: FoldedAlert, patientIds: PatientIds): Task | undefined {
  if (alert.raised.rule !== 'suicidal-ideation' || alert.raised.recipientRole !== 'attending-psychiatrist') return undefined;
  const acknowledged = acknowledgement(alert);
  const resolved = resolution(alert);
  const done = acknowledged ?? resolved;
  return {
    resourceType: 'Task',
    id: `${alert.raised.alertId}${EVALUATION_TASK_SUFFIX}`,
    meta: metaOf(alert.events),
    identifier: [{ system: FhirReadSystems.alert, value: alert.raised.alertId }],
    status: acknowledged ? 'completed' : resolved ? 'cancelled' : 'requested',
    intent: 'order',
    priority: 'stat',
    code: {
      coding: [
        { system: 'http://snomed.info/sct', code: '90407005', display: 'Evaluation of psychiatric state of patient' },
        { system: FhirReadSystems.taskCode, code: 'psychiatric-evaluation', display: 'Psychiatric evaluation' },
      ],
      text: 'Psychiatric evaluation, same day',
    },
    description: 'Psychiatric evaluation required the same day: PHQ-9 item 9 (thoughts of self-harm) answered above 0',
    focus: { reference: `Communication/${alert.raised.alertId}` },
    reasonCode: { coding: [ruleCoding(alert)] },
    for: patientReference(alert.memberId, patientIds),
    authoredOn: alert.raised.raisedAt,
    lastModified: alert.steps.at(-1)?.at ?? alert.raised.raisedAt,
    ...(alert.raised.recipientId ? { owner: staffReference(alert.raised.recipientId) } : {}),
    restriction: { period: { start: alert.raised.raisedAt, end: endOfDay(alert.raised.raisedAt) } },
    ...(done ? { executionPeriod: { start: alert.raised.raisedAt, end: done.at } } : {}),
  };
}
