import type { Communication, DetectedIssue, Resource } from '@medplum/fhirtypes';
import { ALERT_ISSUE_SEVERITY, ALERT_PRIORITY, CareCircleFhirSystems, DRUG_CONFLICT_RULES } from '@carecircle/contracts';

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

// Codes shared with the gateway's FHIR reads (libs/contracts fhir-codes), so an alert reads as it was pushed.
const ALERT_SYSTEM = CareCircleFhirSystems.alert;
const level = (severity: string): keyof typeof ALERT_PRIORITY => (severity === 'critical' || severity === 'warning' ? severity : 'info');

/**
 * The alert as FHIR R4 resources for push delivery (CDS Hooks is pull only): a Communication to its
 * recipient, and for drug conflicts a DetectedIssue. The member is the pseudonymous id; the text is
 * the alert's own, which for facilitators is already the minimum-necessary version.
 */
export function alertFhirResources(alert: PushableAlert): Resource[] {
  const patient = { reference: `Patient/${alert.memberId}` };
  const identifier = [{ system: ALERT_SYSTEM, value: alert.alertId }];
  const communication: Communication = {
    resourceType: 'Communication',
    id: alert.alertId,
    identifier,
    status: 'completed',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: 'alert', display: 'Alert' }] }],
    priority: ALERT_PRIORITY[level(alert.severity)],
    subject: patient,
    topic: { coding: [{ system: CareCircleFhirSystems.rule, code: alert.rule }] },
    ...(alert.recipientId ? { recipient: [{ reference: `Practitioner/${alert.recipientId}` }] } : {}),
    sent: alert.raisedAt,
    payload: [{ contentString: alert.summary }, { contentString: alert.detail }],
  };
  if (!DRUG_CONFLICT_RULES.has(alert.rule)) return [communication];
  const issue: DetectedIssue = {
    resourceType: 'DetectedIssue',
    id: alert.alertId,
    identifier,
    status: 'final',
    code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'DRG', display: 'Drug Interaction Alert' }] },
    severity: ALERT_ISSUE_SEVERITY[level(alert.severity)],
    patient,
    identifiedDateTime: alert.raisedAt,
    detail: alert.detail,
  };
  return [communication, issue];
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
export const fhirIfNoneExist = (alertId: string) => `identifier=${encodeURIComponent(`${ALERT_SYSTEM}|${alertId}`)}`;

/** The alert's FHIR resources as create requests for the configured FHIR endpoint, one per resource. */
export function fhirPushes(alert: PushableAlert): FhirPush[] {
  return alertFhirResources(alert).map(({ id: _id, ...resource }) => ({ channel: `fhir:${resource.resourceType}`, resourceType: resource.resourceType, resource: resource as Resource }));
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
