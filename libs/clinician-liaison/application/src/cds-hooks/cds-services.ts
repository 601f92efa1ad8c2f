import { z } from 'zod';
import type { EventStore } from '@carecircle/platform/event-store';
import {
  classifyMedication,
  coordinationStreamId,
  evaluateRules,
  ruleInputFor,
  therapeuticOverload,
  type CoordinationEvent,
  type Finding,
  type RecordedCoordinationEvent,
  type RuleConfig,
} from '@carecircle/clinician-liaison/domain';

/** CDS Hooks 2.0 request (the fields this service reads; the rest is allowed through). */
export const cdsRequestSchema = z
  .object({
    hook: z.string().min(1),
    hookInstance: z.string().min(1),
    fhirServer: z.string().url().optional(),
    fhirAuthorization: z.object({ access_token: z.string(), token_type: z.string(), scope: z.string(), subject: z.string() }).passthrough().optional(),
    context: z.object({ userId: z.string().min(1), patientId: z.string().min(1) }).passthrough(),
    prefetch: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();
export type CdsRequest = z.infer<typeof cdsRequestSchema>;

export const cdsFeedbackSchema = z.object({
  feedback: z
    .array(
      z.object({
        card: z.string().min(1),
        outcome: z.enum(['accepted', 'overridden']),
        overrideReason: z.object({ reason: z.object({ code: z.string(), display: z.string().optional() }).passthrough().optional(), userComment: z.string().optional() }).optional(),
        outcomeTimestamp: z.string().datetime({ offset: true }),
        acceptedSuggestions: z.array(z.object({ id: z.string() })).optional(),
      }),
    )
    .min(1),
});

export interface Card {
  uuid?: string;
  summary: string;
  indicator: 'info' | 'warning' | 'critical';
  detail?: string;
  source: { label: string; url?: string };
  overrideReasons?: { code: string; system: string; display: string }[];
  links?: { label: string; url: string; type: 'absolute' | 'smart' }[];
}

export const CDS_SERVICE_IDS = {
  patientView: 'carecircle-open-alerts',
  orderSelect: 'carecircle-medication-select',
  orderSign: 'carecircle-medication-sign',
  appointmentBook: 'carecircle-therapeutic-load',
} as const;

export const cdsDiscovery = {
  services: [
    { hook: 'patient-view', id: CDS_SERVICE_IDS.patientView, title: 'CareCircle coordination alerts', description: "The member's open coordination alerts (group work, medication, CBT, palliative care)." },
    { hook: 'order-select', id: CDS_SERVICE_IDS.orderSelect, title: 'CareCircle medication check', description: 'Checks a draft medication against the member\'s group work, therapies and current medications.' },
    { hook: 'order-sign', id: CDS_SERVICE_IDS.orderSign, title: 'CareCircle medication check at signing', description: 'Checks draft medications at signing against the member\'s coordination state.' },
    { hook: 'appointment-book', id: CDS_SERVICE_IDS.appointmentBook, title: 'CareCircle therapeutic load', description: 'Warns when a booking would take the member above the therapeutic-load cap.' },
  ],
};

const OVERRIDE_SYSTEM = 'https://carecircle.example/cds/override-reasons';
export const overrideReasons = [
  { code: 'already-reviewed', system: OVERRIDE_SYSTEM, display: 'Already reviewed with the care team' },
  { code: 'clinically-appropriate', system: OVERRIDE_SYSTEM, display: 'Clinically appropriate for this member' },
  { code: 'palliative-goals', system: OVERRIDE_SYSTEM, display: 'In line with palliative goals of care' },
];

const SOURCE = { label: 'CareCircle clinician liaison' };
const clip = (s: string) => (s.length < 140 ? s : `${s.slice(0, 136)}...`);

export function findingCard(finding: Finding, timelineUrl: string): Card {
  return {
    summary: clip(finding.summary),
    indicator: finding.severity,
    detail: `${finding.detail}\n\n**Evidence**: ${finding.evidence.facts.join('; ')}`,
    source: SOURCE,
    overrideReasons,
    links: [{ label: "Member's care timeline", url: timelineUrl, type: 'absolute' }],
  };
}

export function alertCard(alert: { alertId: string; summary: string; severity: string; detail: string; evidenceEventIds: string[] }, timelineUrl: string): Card {
  return {
    uuid: alert.alertId,
    summary: clip(alert.summary),
    indicator: alert.severity as Card['indicator'],
    detail: `${alert.detail}\n\nEvidence events: ${alert.evidenceEventIds.join(', ')}`,
    source: SOURCE,
    overrideReasons,
    links: [{ label: "Member's care timeline", url: timelineUrl, type: 'absolute' }],
  };
}

type Resource = { resourceType?: string; id?: string; [key: string]: unknown };
const MEMBER_ID = /^mbr_[A-Za-z0-9_-]{6,64}$/;

/** Draft MedicationRequests from `context.draftOrders` as hypothetical MedicationStarted events. */
function draftMedicationEvents(memberId: string, request: CdsRequest, at: string): RecordedCoordinationEvent[] {
  const bundle = request.context['draftOrders'] as { entry?: { resource?: Resource }[] } | undefined;
  const drafts = (bundle?.entry ?? []).map((e) => e.resource).filter((r): r is Resource => r?.resourceType === 'MedicationRequest');
  return drafts.map((draft, i) => {
    const concept = draft['medicationCodeableConcept'] as { coding?: { system?: string; code?: string; display?: string }[]; text?: string } | undefined;
    const rxnorm = concept?.coding?.find((c) => c.system?.includes('rxnorm'));
    const name = rxnorm?.display ?? concept?.text ?? 'unknown';
    const order = { rxnormCode: rxnorm?.code ?? null, name, dailyDose: null, doseUnit: 'mg', route: 'unknown', frequency: 'unknown', prescriberId: request.context.userId };
    const event: CoordinationEvent = { type: 'MedicationStarted', data: { memberId, medicationId: `draft-${draft.id ?? i}`, order, classification: classifyMedication(order), startedAt: at } };
    return { eventId: `draft-${i}`, occurredAt: at, event };
  });
}

async function memberHistory(store: EventStore, memberId: string): Promise<RecordedCoordinationEvent[]> {
  const recorded = await store.readStream(coordinationStreamId(memberId));
  return recorded.map((r) => ({ eventId: r.eventId, occurredAt: r.metadata.occurredAt, event: { type: r.type, data: r.data } as CoordinationEvent }));
}

/**
 * order-select / order-sign: evaluates each draft medication against the member's coordination
 * state without storing anything. Unknown members (e.g. an EHR id that is not a member id) get no cards.
 */
export async function evaluateDraftOrders(deps: { store: EventStore; rules: RuleConfig }, request: CdsRequest, now: Date, timelineUrl: string): Promise<Card[]> {
  const memberId = request.context.patientId;
  if (!MEMBER_ID.test(memberId)) return [];
  const history = await memberHistory(deps.store, memberId);
  if (history.length === 0) return [];
  const cards: Card[] = [];
  let running = history;
  for (const draft of draftMedicationEvents(memberId, request, now.toISOString())) {
    running = [...running, draft];
    cards.push(...evaluateRules(ruleInputFor(running), deps.rules).map((f) => findingCard(f, timelineUrl)));
  }
  return cards;
}

/** appointment-book: would the proposed appointments take the member above the load cap? */
export async function evaluateAppointments(deps: { store: EventStore; rules: RuleConfig }, request: CdsRequest, timelineUrl: string): Promise<Card[]> {
  const memberId = request.context.patientId;
  if (!MEMBER_ID.test(memberId)) return [];
  const history = await memberHistory(deps.store, memberId);
  const appointments = ((request.context['appointments'] as Resource[] | undefined) ?? []).filter((a) => typeof a['start'] === 'string');
  let running = history;
  const cards: Card[] = [];
  appointments.forEach((a, i) => {
    const start = a['start'] as string;
    const end = typeof a['end'] === 'string' ? (a['end'] as string) : start;
    const event: CoordinationEvent = { type: 'ExternalFactRecorded', data: { memberId, sourceEventId: `proposed-${i}`, fact: { kind: 'contact-booked', contactId: `proposed-${a.id ?? i}`, contactKind: 'psychiatry', start, end } } };
    running = [...running, { eventId: `proposed-${i}`, occurredAt: start, event }];
    cards.push(...therapeuticOverload(ruleInputFor(running), deps.rules).map((f) => findingCard(f, timelineUrl)));
  });
  return cards;
}
