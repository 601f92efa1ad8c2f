import type { CodeableConcept, Coding, Period, Reference, Resource } from '@medplum/fhirtypes';
import type { ClinicalFact } from '@carecircle/gateway/domain';

/** Which codes of open-ended resource types the system works with; everything else is accepted and ignored. */
export interface IngestScope {
  /** LOINC codes of Observations taken in (survey instruments). */
  observationCodes: readonly string[];
}

/**
 * PHQ-9 total, GAD-7 total, PHQ-2 total (DOMAIN.md instruments) and PHQ-9 item 9 (the self-harm
 * question enrollment's screening needs beside the total). Configurable: `GATEWAY_OBSERVATION_CODES`.
 */
export const DEFAULT_INGEST_SCOPE: IngestScope = { observationCodes: ['44261-6', '70274-6', '55758-7', '44260-8'] };

export const HANDLED_RESOURCE_TYPES = [
  'Patient',
  'RelatedPerson',
  'Condition',
  'ServiceRequest',
  'Consent',
  'QuestionnaireResponse',
  'Observation',
  'MedicationRequest',
  'MedicationStatement',
  'Appointment',
  'CareTeam',
  'CarePlan',
  'Encounter',
] as const;

export type MappedResource =
  | { outcome: 'identity' }
  | { outcome: 'fact'; patient: { reference: string; expression: string }; fact: ClinicalFact }
  | { outcome: 'ignored'; reason: string };

/** Looks up a Medication a MedicationRequest/Statement refers to (contained or in the same Bundle). */
export type MedicationLookup = (reference: string) => CodeableConcept | undefined;

/**
 * The pseudonymous staff id (`clin_…`) of a practitioner reference (requester, care-team member), or
 * undefined when it names no practitioner: EHR practitioner ids never leave the gateway.
 */
export type StaffIdLookup = (reference: string) => string | undefined;

const codes = (concepts: readonly CodeableConcept[] | CodeableConcept | undefined): Coding[] =>
  (Array.isArray(concepts) ? concepts : concepts ? [concepts] : [])
    .flatMap((concept: CodeableConcept) => concept.coding ?? [])
    .filter((coding): coding is Coding & { code: string } => Boolean(coding.code))
    .map(({ system, code, display }) => ({ ...(system ? { system } : {}), code, ...(display ? { display } : {}) }));

const firstCode = (concept: CodeableConcept | undefined) => codes(concept)[0]?.code;
const periodOf = (p: Period | undefined) => (p && (p.start || p.end) ? { ...(p.start ? { start: p.start } : {}), ...(p.end ? { end: p.end } : {}) } : undefined);
const defined = <T extends Record<string, unknown>>(value: T) =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Readonly<Record<string, unknown>>;

/**
 * Maps one validated resource to the fact the services need, or says why it is ignored. Only
 * codes, statuses and instants are taken: names, narrative and free text never leave the gateway.
 */
export function resourceToFact(resource: Resource, scope: IngestScope, medication: MedicationLookup = () => undefined, staffId: StaffIdLookup = () => undefined): MappedResource {
  const fact = (path: string, reference: Reference | undefined, kind: ClinicalFact['kind'], details: Record<string, unknown>): MappedResource => {
    const target = reference?.reference;
    if (!target) return { outcome: 'ignored', reason: `${resource.resourceType} without a patient reference is not in scope` };
    if (target.startsWith('Group/') || target.startsWith('Practitioner/')) {
      return { outcome: 'ignored', reason: `${resource.resourceType} about a ${target.split('/')[0]} is not in scope` };
    }
    return { outcome: 'fact', patient: { reference: target, expression: `${resource.resourceType}.${path}` }, fact: { kind, details: defined(details) } };
  };
  const medicationCodes = (concept: CodeableConcept | undefined, reference: Reference | undefined) =>
    codes(concept ?? (reference?.reference ? medication(reference.reference) : undefined));
  const staff = (reference: Reference | undefined) => (reference?.reference ? staffId(reference.reference) : undefined);

  switch (resource.resourceType) {
    case 'Patient':
      return { outcome: 'identity' };
    case 'RelatedPerson':
      return fact('patient', resource.patient, 'CaregiverLinked', { active: resource.active, relationships: codes(resource.relationship) });
    case 'ServiceRequest':
      return fact('subject', resource.subject, 'ReferralRequested', {
        status: resource.status,
        intent: resource.intent,
        codes: codes(resource.code),
        reasonCodes: codes(resource.reasonCode),
        authoredOn: resource.authoredOn,
        requesterId: staff(resource.requester),
      });
    case 'Condition':
      return fact('subject', resource.subject, 'ConditionRecorded', {
        clinicalStatus: firstCode(resource.clinicalStatus),
        verificationStatus: firstCode(resource.verificationStatus),
        codes: codes(resource.code),
        onset: resource.onsetDateTime ?? resource.onsetPeriod?.start,
        abatement: resource.abatementDateTime ?? resource.abatementPeriod?.start,
      });
    case 'Consent':
      return fact('patient', resource.patient, 'ConsentReceived', {
        status: resource.status,
        scope: codes(resource.scope),
        categories: codes(resource.category),
        provision: resource.provision?.type,
        period: periodOf(resource.provision?.period),
        dateTime: resource.dateTime,
      });
    case 'QuestionnaireResponse':
      return fact('subject', resource.subject, 'QuestionnaireAnswered', {
        questionnaire: resource.questionnaire,
        status: resource.status,
        authored: resource.authored,
        answers: flattenItems(resource.item ?? []),
      });
    case 'Observation': {
      const observationCodes = codes(resource.code);
      if (!observationCodes.some((coding) => coding.system === 'http://loinc.org' && scope.observationCodes.includes(coding.code ?? ''))) {
        return { outcome: 'ignored', reason: 'Observation code is not an instrument the system works with' };
      }
      const quantity = resource.valueQuantity ?? (resource.valueInteger !== undefined ? { value: resource.valueInteger } : undefined);
      return fact('subject', resource.subject, 'ObservationRecorded', {
        status: resource.status,
        codes: observationCodes,
        value: quantity?.value === undefined ? undefined : defined({ value: quantity.value, unit: 'unit' in quantity ? (quantity.code ?? quantity.unit) : undefined }),
        effective: resource.effectiveDateTime ?? resource.effectivePeriod?.start ?? resource.effectiveInstant,
      });
    }
    case 'MedicationRequest':
      return fact('subject', resource.subject, 'MedicationOrdered', {
        status: resource.status,
        intent: resource.intent,
        medication: { codes: medicationCodes(resource.medicationCodeableConcept, resource.medicationReference) },
        dose: doseOf(resource.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity),
        authoredOn: resource.authoredOn,
        requesterId: staff(resource.requester),
      });
    case 'MedicationStatement':
      return fact('subject', resource.subject, 'MedicationStatementRecorded', {
        status: resource.status,
        medication: { codes: medicationCodes(resource.medicationCodeableConcept, resource.medicationReference) },
        dose: doseOf(resource.dosage?.[0]?.doseAndRate?.[0]?.doseQuantity),
        effective: resource.effectiveDateTime ? { start: resource.effectiveDateTime } : periodOf(resource.effectivePeriod),
      });
    case 'Appointment': {
      const index = (resource.participant ?? []).findIndex((p) => p.actor?.reference?.startsWith('Patient/') || p.actor?.reference?.startsWith('urn:uuid:'));
      if (index < 0) return { outcome: 'ignored', reason: 'Appointment without a patient participant is not in scope' };
      return fact(`participant[${index}].actor`, resource.participant[index]?.actor, 'AppointmentBooked', {
        status: resource.status,
        serviceTypes: codes(resource.serviceType),
        start: resource.start,
        end: resource.end,
      });
    }
    case 'CareTeam':
      return fact('subject', resource.subject, 'CareTeamUpdated', {
        status: resource.status,
        categories: codes(resource.category),
        // Clinicians under their staff ids; other members (the patient, relatives, organisations) are dropped.
        participants: (resource.participant ?? []).flatMap((p) => {
          const clinician = staff(p.member);
          return p.member?.reference && !clinician ? [] : [defined({ roles: codes(p.role), clinician })];
        }),
      });
    case 'CarePlan':
      return fact('subject', resource.subject, 'CarePlanUpdated', {
        status: resource.status,
        intent: resource.intent,
        categories: codes(resource.category),
        period: periodOf(resource.period),
      });
    case 'Encounter':
      return fact('subject', resource.subject, 'EncounterRecorded', {
        status: resource.status,
        class: resource.class?.code ? defined({ system: resource.class.system, code: resource.class.code }) : undefined,
        types: codes(resource.type),
        period: periodOf(resource.period),
      });
    default:
      return { outcome: 'ignored', reason: `${resource.resourceType} is not a resource type the gateway takes in` };
  }
}

function doseOf(quantity: { value?: number; unit?: string; code?: string } | undefined) {
  return quantity?.value === undefined ? undefined : defined({ value: quantity.value, unit: quantity.code ?? quantity.unit });
}

interface AnswerItem {
  linkId: string;
  answer?: { valueInteger?: number; valueDecimal?: number; valueBoolean?: boolean; valueCoding?: Coding }[];
  item?: AnswerItem[];
}

/** Numeric, boolean and coded answers only: free text (valueString) can hold anything and stays here. */
function flattenItems(items: readonly AnswerItem[]): { linkId: string; value: unknown }[] {
  return items.flatMap((item) => [
    ...(item.answer ?? []).flatMap((answer) => {
      const value = answer.valueInteger ?? answer.valueDecimal ?? answer.valueBoolean ?? (answer.valueCoding?.code ? codes({ coding: [answer.valueCoding] })[0] : undefined);
      return value === undefined ? [] : [{ linkId: item.linkId, value }];
    }),
    ...flattenItems(item.item ?? []),
  ]);
}
