import { z } from 'zod';
import { fold } from '@carecircle/shared-kernel';
import type { EventStore } from '@carecircle/platform/event-store';
import {
  classifyMedication,
  coordinationDecider,
  coordinationStreamId,
  dailyDoseOf,
  evaluateRules,
  ruleInputFor,
  forecastOverload,
  type CoordinationEvent,
  type DosageTiming,
  type DoseQuantity,
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
    fhirAuthorization: z
      .object({ access_token: z.string(), token_type: z.string(), scope: z.string(), subject: z.string() })
      .passthrough()
      .optional(),
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
        overrideReason: z
          .object({
            reason: z.object({ code: z.string(), display: z.string().optional() }).passthrough().optional(),
            userComment: z.string().optional(),
          })
          .optional(),
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
    {
      hook: 'patient-view',
      id: CDS_SERVICE_IDS.patientView,
      title: 'CareCircle coordination alerts',
      description: "The member's open coordination alerts (group work, medication, CBT, palliative care).",
    },
    {
      hook: 'order-select',
      id: CDS_SERVICE_IDS.orderSelect,
      title: 'CareCircle medication check',
      description: "Checks a draft medication against the member's group work, therapies and current medications.",
    },
    {
      hook: 'order-sign',
      id: CDS_SERVICE_IDS.orderSign,
      title: 'CareCircle medication check at signing',
      description: "Checks draft medications at signing against the member's coordination state.",
    },
    {
      hook: 'appointment-book',
      id: CDS_SERVICE_IDS.appointmentBook,
      title: 'CareCircle therapeutic load',
      description: 'Warns when a booking would take the member above the therapeutic-load cap.',
    },
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

export function alertCard(
  alert: { alertId: string; summary: string; severity: string; detail: string; evidenceEventIds: string[] },
  timelineUrl: string,
): Card {
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

const MEMBER_ID = /^mbr_[A-Za-z0-9_-]{6,64}$/;

/** A CDS Hooks context the service cannot read: answered 400 with the field and the reason, never a 500. */
export class CdsContextError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'CdsContextError';
  }
}

const codingSchema = z
  .object({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() })
  .passthrough();
const conceptSchema = z.object({ coding: z.array(codingSchema).optional(), text: z.string().optional() }).passthrough();
const doseAndRateSchema = z
  .object({
    doseQuantity: z
      .object({ value: z.number().optional(), unit: z.string().optional(), code: z.string().optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();
const dosageSchema = z
  .object({
    // An array in R4; the hooks library's own order-select example sends one object: both are read.
    doseAndRate: z.union([z.array(doseAndRateSchema), doseAndRateSchema]).optional(),
    timing: z
      .object({
        repeat: z
          .object({
            frequency: z.number().optional(),
            frequencyMax: z.number().optional(),
            period: z.number().optional(),
            periodUnit: z.string().optional(),
          })
          .passthrough()
          .optional(),
        code: conceptSchema.optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();
/** What a draft MedicationRequest must look like where this service reads it; everything else passes through. */
const draftMedicationSchema = z
  .object({
    resourceType: z.literal('MedicationRequest'),
    id: z.string().optional(),
    medicationCodeableConcept: conceptSchema.optional(),
    dosageInstruction: z.array(dosageSchema).optional(),
  })
  .passthrough();
type DraftMedication = z.infer<typeof draftMedicationSchema>;
/** A proposed Appointment: its start (when given) must be a date-time; one without a start is not yet scheduled. */
const appointmentSchema = z
  .object({
    resourceType: z.literal('Appointment'),
    id: z.string().optional(),
    start: z.string().datetime({ offset: true }).optional(),
  })
  .passthrough();
type ProposedAppointment = z.infer<typeof appointmentSchema>;

/**
 * The resources of one type in a context field: a FHIR Bundle (CDS Hooks 2.0: `entry[].resource`) or, as the
 * STU3 examples send it, an array of resources. Resources of other types are not this service's concern;
 * one of the type that does not parse is refused with its path.
 */
export function contextResources<T>(value: unknown, field: string, type: string, schema: z.ZodType<T>): T[] {
  if (value === undefined) return [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  let resources: [unknown, string][];
  if (Array.isArray(value)) resources = value.map((r, i) => [r, `${field}.${i}`]);
  else if (isObject(value) && value['resourceType'] === 'Bundle') {
    const entry = value['entry'] ?? [];
    if (!Array.isArray(entry)) throw new CdsContextError(`${field}.entry`, 'must be an array of Bundle entries');
    resources = entry.map((e, i) => [isObject(e) ? e['resource'] : e, `${field}.entry.${i}.resource`]);
  } else throw new CdsContextError(field, 'must be a FHIR Bundle (resourceType Bundle with entry[].resource)');
  return resources.flatMap(([resource, path]) => {
    if (resource === undefined) return [];
    if (!isObject(resource) || typeof resource['resourceType'] !== 'string')
      throw new CdsContextError(path, 'must be a FHIR resource (an object with a resourceType)');
    if (resource['resourceType'] !== type) return [];
    const parsed = schema.safeParse(resource);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new CdsContextError(
        [path, ...issue.path.map(String)].join('.'),
        `is not a valid ${type} element (${issue.code})`,
      );
    }
    return [parsed.data];
  });
}

/** Draft MedicationRequests from `context.draftOrders` as hypothetical MedicationStarted events. */
function draftMedicationEvents(memberId: string, request: CdsRequest, at: string): RecordedCoordinationEvent[] {
  const drafts = contextResources(
    request.context['draftOrders'],
    'context.draftOrders',
    'MedicationRequest',
    draftMedicationSchema,
  );
  return drafts.map((draft, i) => {
    const concept = draft.medicationCodeableConcept;
    const rxnorm = concept?.coding?.find((c) => c.system?.includes('rxnorm'));
    const name = rxnorm?.display ?? concept?.text ?? 'unknown';
    const classification = classifyMedication({ rxnormCode: rxnorm?.code ?? null, name });
    const daily = dailyDoseOf(...draftDosage(draft), {
      ratePerHour: classification.status === 'classified' && classification.ingredient === 'fentanyl',
    });
    const dailyDose = daily.kind === 'known' ? daily.dailyDose : null;
    const order = {
      rxnormCode: rxnorm?.code ?? null,
      name,
      dailyDose,
      doseUnit: daily.doseUnit,
      route: 'unknown',
      frequency: daily.frequency,
      prescriberId: request.context.userId,
    };
    const event: CoordinationEvent = {
      type: 'MedicationStarted',
      data: { memberId, medicationId: `draft-${draft.id ?? i}`, order, classification, startedAt: at },
    };
    return { eventId: `draft-${i}`, occurredAt: at, event };
  });
}

/** The draft's first dose and timing, read defensively: a draft is whatever the EHR is editing. */
function draftDosage(draft: DraftMedication): [DoseQuantity | undefined, DosageTiming] {
  const dosage = draft.dosageInstruction?.[0];
  const doseAndRate = dosage?.doseAndRate;
  const quantity = (Array.isArray(doseAndRate) ? doseAndRate[0] : doseAndRate)?.doseQuantity;
  const unit =
    typeof quantity?.code === 'string' ? quantity.code : typeof quantity?.unit === 'string' ? quantity.unit : undefined;
  const dose = typeof quantity?.value === 'number' ? { value: quantity.value, unit } : undefined;
  const repeat = dosage?.timing?.repeat ?? {};
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const code = dosage?.timing?.code?.coding?.find((c: { code?: unknown }) => typeof c?.code === 'string')?.code as
    string | undefined;
  const timing = {
    frequency: num(repeat.frequency),
    frequencyMax: num(repeat.frequencyMax),
    period: num(repeat.period),
    periodUnit: typeof repeat.periodUnit === 'string' ? repeat.periodUnit : undefined,
    code,
  };
  return [dose, timing];
}

/** A draft being written has no dose yet as often as not: "dose unknown" is for orders, not drafts. */
const isDoseUnknown = (finding: Finding) => finding.dedupKey.startsWith('opioid-dose:unknown:');

async function memberHistory(store: EventStore, memberId: string): Promise<RecordedCoordinationEvent[]> {
  const recorded = await store.readStream(coordinationStreamId(memberId));
  return recorded.map((r) => ({
    eventId: r.eventId,
    occurredAt: r.metadata.occurredAt,
    event: { type: r.type, data: r.data } as CoordinationEvent,
  }));
}

/**
 * order-select / order-sign: evaluates each draft medication against the member's coordination
 * state without storing anything. Unknown members (e.g. an EHR id that is not a member id) get no cards.
 */
export async function evaluateDraftOrders(
  deps: { store: EventStore; rules: RuleConfig },
  request: CdsRequest,
  now: Date,
  timelineUrl: string,
): Promise<Card[]> {
  const memberId = request.context.patientId;
  // The shape is checked first: a malformed context is a 400 whoever the patient is.
  const drafts = draftMedicationEvents(memberId, request, now.toISOString());
  if (!MEMBER_ID.test(memberId)) return [];
  const history = await memberHistory(deps.store, memberId);
  if (history.length === 0) return [];
  const cards: Card[] = [];
  let running = history;
  for (const draft of drafts) {
    running = [...running, draft];
    cards.push(
      ...evaluateRules(ruleInputFor(running), deps.rules)
        .filter((f) => !isDoseUnknown(f))
        .map((f) => findingCard(f, timelineUrl)),
    );
  }
  return cards;
}

/** appointment-book: would the proposed appointments take the member above the load cap? */
export async function evaluateAppointments(
  deps: { store: EventStore; rules: RuleConfig },
  request: CdsRequest,
  timelineUrl: string,
): Promise<Card[]> {
  const memberId = request.context.patientId;
  const appointments = contextResources(
    request.context['appointments'],
    'context.appointments',
    'Appointment',
    appointmentSchema,
  );
  if (!MEMBER_ID.test(memberId)) return [];
  const history = await memberHistory(deps.store, memberId);
  const starts = appointments
    .map((a: ProposedAppointment) => a.start)
    .filter((start): start is string => start !== undefined);
  const state = fold(
    coordinationDecider,
    history.map((h) => h.event),
  );
  return forecastOverload(state, starts, deps.rules).map((f) => findingCard(f, timelineUrl));
}
