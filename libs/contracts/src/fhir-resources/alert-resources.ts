import type { Communication, DetectedIssue, Flag, Task } from '@medplum/fhirtypes';
import { ALERT_ISSUE_SEVERITY, ALERT_PRIORITY, DRUG_CONFLICT_RULES } from '../fhir-codes';
import { OutboundFhirSystems, staffReference, type OutboundContext } from './references';

export type AlertStatus = 'raised' | 'acknowledged' | 'overridden' | 'escalated' | 'resolved';

/** One step after the alert was raised: who acknowledged, overrode, escalated or resolved it, and when. */
export interface AlertStep {
  state: Exclude<AlertStatus, 'raised'>;
  at: string;
  by: string | null;
  level?: number;
}

/**
 * One coordination alert as every writer of its FHIR sees it: clinician-liaison when it pushes it (just
 * raised, no steps), the gateway when it serves it (folded from the alert's events).
 */
export interface AlertView {
  alertId: string;
  memberId: string;
  rule: string;
  severity: keyof typeof ALERT_PRIORITY;
  recipientRole: string;
  recipientId: string | null;
  raisedAt: string;
  escalationDueAt?: string | null;
  steps: readonly AlertStep[];
  status: AlertStatus;
}

/**
 * The alert's own words, where the writer has them (clinician-liaison: the recipient's copy, already the
 * minimum-necessary one for facilitators). Without them the text is made of codes only: the bus carries
 * no drug names or free text.
 */
export interface AlertText {
  summary: string;
  detail: string;
}

/** Rules about the member's safety: their Flag is a safety flag. */
const SAFETY_RULES: ReadonlySet<string> = new Set(['suicidal-ideation', 'acute-distress']);

const words = (code: string) => code.replace(/-/g, ' ');
const isOpen = (alert: AlertView) => alert.status === 'raised' || alert.status === 'escalated';
const acknowledgement = (alert: AlertView) =>
  alert.steps.find((step) => step.state === 'acknowledged' || step.state === 'overridden');
const resolution = (alert: AlertView) => alert.steps.find((step) => step.state === 'resolved');
const ruleCoding = (alert: AlertView) => ({
  system: OutboundFhirSystems.rule,
  code: alert.rule,
  display: words(alert.rule),
});
const codeSummary = (alert: AlertView) =>
  `Coordination alert (${alert.severity}): ${words(alert.rule)}, for the ${words(alert.recipientRole)}`;
/** Every resource of one alert has the alert's id and the identifier a FHIR server can find it by. */
const named = (alert: AlertView, context: OutboundContext) => ({
  id: alert.alertId,
  ...(context.meta ? { meta: context.meta } : {}),
  identifier: [{ system: OutboundFhirSystems.alert, value: alert.alertId }],
});

/**
 * The alert as sent to its recipient. In progress while it waits for acknowledgement (raised or
 * escalated); completed once acknowledged, overridden or resolved.
 */
export function alertToCommunication(alert: AlertView, context: OutboundContext, text?: AlertText): Communication {
  const received = acknowledgement(alert) ?? resolution(alert);
  return {
    resourceType: 'Communication',
    ...named(alert, context),
    status: isOpen(alert) ? 'in-progress' : 'completed',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: 'alert', display: 'Alert' },
        ],
      },
    ],
    priority: ALERT_PRIORITY[alert.severity],
    subject: context.patient,
    topic: { coding: [ruleCoding(alert)] },
    ...(alert.recipientId ? { recipient: [staffReference(alert.recipientId)] } : {}),
    sent: alert.raisedAt,
    ...(received ? { received: received.at } : {}),
    payload: text
      ? [{ contentString: text.summary }, { contentString: text.detail }]
      : [{ contentString: codeSummary(alert) }],
  };
}

/**
 * The clinical concern the alert is about. Preliminary until a clinician has looked at it; final once
 * acknowledged, overridden or resolved, each of those a mitigation with who and when.
 */
export function alertToDetectedIssue(alert: AlertView, context: OutboundContext, text?: AlertText): DetectedIssue {
  const drugConflict = DRUG_CONFLICT_RULES.has(alert.rule);
  const mitigations = alert.steps.filter((step) => step.state !== 'escalated');
  return {
    resourceType: 'DetectedIssue',
    ...named(alert, context),
    status: isOpen(alert) ? 'preliminary' : 'final',
    code: {
      coding: [
        ruleCoding(alert),
        ...(drugConflict
          ? [
              {
                system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
                code: 'DRG',
                display: 'Drug Interaction Alert',
              },
            ]
          : []),
      ],
      text: words(alert.rule),
    },
    severity: ALERT_ISSUE_SEVERITY[alert.severity],
    patient: context.patient,
    identifiedDateTime: alert.raisedAt,
    detail: text?.detail ?? codeSummary(alert),
    ...(mitigations.length > 0
      ? {
          mitigation: mitigations.map((step) => ({
            action: { coding: [{ system: OutboundFhirSystems.alertStep, code: step.state, display: step.state }] },
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
export function alertToFlag(alert: AlertView, context: OutboundContext): Flag | undefined {
  if (alert.severity !== 'critical') return undefined;
  const category = SAFETY_RULES.has(alert.rule)
    ? { code: 'safety', display: 'Safety' }
    : DRUG_CONFLICT_RULES.has(alert.rule)
      ? { code: 'drug', display: 'Drug' }
      : { code: 'clinical', display: 'Clinical' };
  const resolved = resolution(alert);
  return {
    resourceType: 'Flag',
    ...named(alert, context),
    status: resolved ? 'inactive' : 'active',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', ...category }] }],
    code: { coding: [ruleCoding(alert)], text: `Critical coordination alert: ${words(alert.rule)}` },
    subject: context.patient,
    period: { start: alert.raisedAt, ...(resolved ? { end: resolved.at } : {}) },
  };
}

/**
 * The work the alert asks for: its recipient acknowledges it before `escalationDueAt`, or it escalates
 * to someone else (who then owns it). Completed when acknowledged or overridden; cancelled when the
 * alert was resolved without anyone acknowledging it (the work is no longer needed).
 */
export function alertToTask(alert: AlertView, context: OutboundContext): Task {
  const acknowledged = acknowledgement(alert);
  const resolved = resolution(alert);
  const escalations = alert.steps.filter((step) => step.state === 'escalated');
  const owner = escalations.at(-1)?.by ?? alert.recipientId;
  const status: Task['status'] = acknowledged ? 'completed' : resolved ? 'cancelled' : 'requested';
  const businessStatus = acknowledged
    ? acknowledged.state
    : resolved
      ? 'resolved'
      : escalations.length > 0
        ? `escalated (level ${escalations.at(-1)?.level ?? escalations.length})`
        : 'awaiting acknowledgement';
  const done = acknowledged ?? resolved;
  return {
    resourceType: 'Task',
    ...named(alert, context),
    status,
    businessStatus: { text: businessStatus },
    intent: 'order',
    priority: ALERT_PRIORITY[alert.severity],
    code: {
      coding: [
        {
          system: OutboundFhirSystems.taskCode,
          code: 'acknowledge-coordination-alert',
          display: 'Acknowledge coordination alert',
        },
      ],
    },
    description: codeSummary(alert),
    focus: { reference: `Communication/${alert.alertId}` },
    for: context.patient,
    authoredOn: alert.raisedAt,
    lastModified: alert.steps.at(-1)?.at ?? alert.raisedAt,
    ...(owner ? { owner: staffReference(owner) } : {}),
    ...(alert.escalationDueAt ? { restriction: { period: { end: alert.escalationDueAt } } } : {}),
    ...(done ? { executionPeriod: { start: alert.raisedAt, end: done.at } } : {}),
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
export function alertToEvaluationTask(alert: AlertView, context: OutboundContext): Task | undefined {
  if (alert.rule !== 'suicidal-ideation' || alert.recipientRole !== 'attending-psychiatrist') return undefined;
  const acknowledged = acknowledgement(alert);
  const resolved = resolution(alert);
  const done = acknowledged ?? resolved;
  return {
    resourceType: 'Task',
    ...named(alert, context),
    id: `${alert.alertId}${EVALUATION_TASK_SUFFIX}`,
    status: acknowledged ? 'completed' : resolved ? 'cancelled' : 'requested',
    intent: 'order',
    priority: 'stat',
    code: {
      coding: [
        { system: 'http://snomed.info/sct', code: '90407005', display: 'Evaluation of psychiatric state of patient' },
        { system: OutboundFhirSystems.taskCode, code: 'psychiatric-evaluation', display: 'Psychiatric evaluation' },
      ],
      text: 'Psychiatric evaluation, same day',
    },
    description: 'Psychiatric evaluation required the same day: PHQ-9 item 9 (thoughts of self-harm) answered above 0',
    focus: { reference: `Communication/${alert.alertId}` },
    reasonCode: { coding: [ruleCoding(alert)] },
    for: context.patient,
    authoredOn: alert.raisedAt,
    lastModified: alert.steps.at(-1)?.at ?? alert.raisedAt,
    ...(alert.recipientId ? { owner: staffReference(alert.recipientId) } : {}),
    restriction: { period: { start: alert.raisedAt, end: endOfDay(alert.raisedAt) } },
    ...(done ? { executionPeriod: { start: alert.raisedAt, end: done.at } } : {}),
  };
}
