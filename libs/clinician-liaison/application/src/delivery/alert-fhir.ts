import type { Resource } from '@medplum/fhirtypes';
import {
  alertToCommunication,
  alertToDetectedIssue,
  CareCircleFhirSystems,
  DRUG_CONFLICT_RULES,
  memberReference,
  type AlertView,
} from '@carecircle/contracts';

/** What push delivery needs to know about an alert (the inbox row carries it). */
export interface PushableAlert {
  alertId: string;
  memberId: string;
  rule: string;
  severity: 'info' | 'warning' | 'critical' | string;
  recipientRole: string;
  recipientId: string | null;
  summary: string;
  detail: string;
  evidenceEventIds: string[];
  raisedAt: string;
}

const level = (severity: string): AlertView['severity'] =>
  severity === 'critical' || severity === 'warning' ? severity : 'info';

/**
 * The alert as FHIR R4 resources for push delivery (CDS Hooks is pull only), written by the same mapping
 * as the gateway's FHIR reads, so an alert reads as it was pushed: a Communication to its recipient, and
 * for drug conflicts a DetectedIssue. Just raised, so in progress. The member is the pseudonymous id; the
 * text is the alert's own, which for facilitators is already the minimum-necessary version.
 */
export function alertFhirResources(alert: PushableAlert): Resource[] {
  const view: AlertView = { ...alert, severity: level(alert.severity), steps: [], status: 'raised' };
  const context = { patient: memberReference(alert.memberId) };
  const text = { summary: alert.summary, detail: alert.detail };
  const communication = alertToCommunication(view, context, text);
  return DRUG_CONFLICT_RULES.has(alert.rule)
    ? [communication, alertToDetectedIssue(view, context, text)]
    : [communication];
}

/** One resource to create on the configured FHIR endpoint: `POST <base>/<resourceType>`. */
export interface FhirPush {
  /** The delivery channel in the queue and log, e.g. `fhir:Communication`. */
  channel: string;
  resourceType: string;
  /** Without `id`: on a create the server assigns it; the alert identifier names the resource. */
  resource: Resource;
}

/** Push is at least once: the `If-None-Exist` value that makes a resend match the resource already created. */
export const fhirIfNoneExist = (alertId: string) =>
  `identifier=${encodeURIComponent(`${CareCircleFhirSystems.alert}|${alertId}`)}`;

/** The alert's FHIR resources as create requests for the configured FHIR endpoint, one per resource. */
export function fhirPushes(alert: PushableAlert): FhirPush[] {
  return alertFhirResources(alert).map(({ id: _id, ...resource }) => ({
    channel: `fhir:${resource.resourceType}`,
    resourceType: resource.resourceType,
    resource: resource as Resource,
  }));
}

/** The webhook body: the alert's routing facts and its FHIR resources, nothing more. */
export function webhookPayload(alert: PushableAlert) {
  return {
    alertId: alert.alertId,
    memberId: alert.memberId,
    rule: alert.rule,
    severity: alert.severity,
    recipientRole: alert.recipientRole,
    recipientId: alert.recipientId,
    raisedAt: alert.raisedAt,
    resources: alertFhirResources(alert),
  };
}
