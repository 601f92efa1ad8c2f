import type { CodeableConcept, Coding, Period, Reference, Resource, Timing } from '@medplum/fhirtypes';
import { ACUTE_DISTRESS_CODING } from '@carecircle/contracts';
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
  'Flag',
] as const;

export type MappedResource =
  /** A Patient: registered as a member's identity, and its rule-relevant facts (birth date, active, deceased) recorded. */
  | { outcome: 'identity'; fact: ClinicalFact }
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
const periodOf = (p: Period | undefined) =>
  p && (p.start || p.end) ? { ...(p.start ? { start: p.start } : {}), ...(p.end ? { end: p.end } : {}) } : undefined;
const defined = <T extends Record<string, unknown>>(value: T) =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Readonly<Record<string, unknown>>;

/**
 * Maps one validated resource to the fact the services need, or says why it is ignored. Only
 * codes, statuses and instants are taken: names, narrative and free text never leave the gateway.
 */
export function resourceToFact(
  resource: Resource,
  scope: IngestScope,
  medication: MedicationLookup = () => undefined,
  staffId: StaffIdLookup = () => undefined,
): MappedResource {
  const fact = (
    path: string,
    reference: Reference | undefined,
    kind: ClinicalFact['kind'],
    details: Record<string, unknown>,
  ): MappedResource => {
    const target = reference?.reference;
    if (!target)
      return { outcome: 'ignored', reason: `${resource.resourceType} without a patient reference is not in scope` };
    if (target.startsWith('Group/') || target.startsWith('Practitioner/')) {
      return { outcome: 'ignored', reason: `${resource.resourceType} about a ${target.split('/')[0]} is not in scope` };
    }
    return {
      outcome: 'fact',
      patient: { reference: target, expression: `${resource.resourceType}.${path}` },
      fact: { kind, details: defined(details) },
    };
  };
  const medicationCodes = (concept: CodeableConcept | undefined, reference: Reference | undefined) =>
    codes(concept ?? (reference?.reference ? medication(reference.reference) : undefined));
  const staff = (reference: Reference | undefined) => (reference?.reference ? staffId(reference.reference) : undefined);

  switch (resource.resourceType) {
    case 'Patient':
      // Names, identifiers, telecom and address stay in the identity vault; only what rules need travels.
      return {
        outcome: 'identity',
        fact: {
          kind: 'PatientRecorded',
          details: defined({
            active: resource.active,
            birthDate: resource.birthDate,
            deceased: resource.deceasedBoolean ?? (resource.deceasedDateTime ? true : undefined),
          }),
        },
      };
    case 'RelatedPerson':
      return fact('patient', resource.patient, 'CaregiverLinked', {
        active: resource.active,
        relationships: codes(resource.relationship),
      });
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
      // Survey instruments in scope, and acute distress the EHR observed (the same fact a facilitator reports).
      if (
        !observationCodes.some(
          (coding) =>
            (coding.system === 'http://loinc.org' && scope.observationCodes.includes(coding.code ?? '')) ||
            isAcuteDistress(coding),
        )
      ) {
        return { outcome: 'ignored', reason: 'Observation code is not an instrument the system works with' };
      }
      const quantity =
        resource.valueQuantity ?? (resource.valueInteger !== undefined ? { value: resource.valueInteger } : undefined);
      return fact('subject', resource.subject, 'ObservationRecorded', {
        status: resource.status,
        codes: observationCodes,
        value:
          quantity?.value === undefined
            ? undefined
            : defined({
                value: quantity.value,
                unit: 'unit' in quantity ? (quantity.code ?? quantity.unit) : undefined,
              }),
        effective: resource.effectiveDateTime ?? resource.effectivePeriod?.start ?? resource.effectiveInstant,
      });
    }
    case 'MedicationRequest':
      return fact('subject', resource.subject, 'MedicationOrdered', {
        status: resource.status,
        intent: resource.intent,
        medication: { codes: medicationCodes(resource.medicationCodeableConcept, resource.medicationReference) },
        dose: doseOf(resource.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity),
        timing: timingOf(resource.dosageInstruction?.[0]?.timing),
        authoredOn: resource.authoredOn,
        requesterId: staff(resource.requester),
      });
    case 'MedicationStatement':
      return fact('subject', resource.subject, 'MedicationStatementRecorded', {
        status: resource.status,
        medication: { codes: medicationCodes(resource.medicationCodeableConcept, resource.medicationReference) },
        dose: doseOf(resource.dosage?.[0]?.doseAndRate?.[0]?.doseQuantity),
        timing: timingOf(resource.dosage?.[0]?.timing),
        effective: resource.effectiveDateTime
          ? { start: resource.effectiveDateTime }
          : periodOf(resource.effectivePeriod),
      });
    case 'Appointment': {
      const index = (resource.participant ?? []).findIndex(
        (p) => p.actor?.reference?.startsWith('Patient/') || p.actor?.reference?.startsWith('urn:uuid:'),
      );
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
        // The periods bound care-team access: it ends with them in every service.
        period: periodOf(resource.period),
        participants: (resource.participant ?? []).flatMap((p) => {
          const clinician = staff(p.member);
          return p.member?.reference && !clinician
            ? []
            : [defined({ roles: codes(p.role), clinician, period: periodOf(p.period) })];
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
        // Clinicians taking part, by staff id: an encounter's participants are on the care team while it lasts.
        participants: (resource.participant ?? []).flatMap((p) => {
          const clinician = staff(p.individual);
          return clinician ? [defined({ clinician, period: periodOf(p.period) })] : [];
        }),
      });
    case 'Flag': {
      // A Flag may be about a location, an organisation or a practitioner: only a patient's is a member's fact.
      const subject = resource.subject?.reference;
      if (subject && !/^(Patient[/?]|urn:uuid:)/.test(subject))
        return { outcome: 'ignored', reason: `Flag about a ${subject.split(/[/?]/)[0]} is not in scope` };
      return fact('subject', resource.subject, 'FlagRecorded', {
        status: resource.status,
        categories: codes(resource.category),
        codes: codes(resource.code),
        period: periodOf(resource.period),
      });
    }
    default:
      return { outcome: 'ignored', reason: `${resource.resourceType} is not a resource type the gateway takes in` };
  }
}

const isAcuteDistress = (coding: Coding) =>
  coding.system === ACUTE_DISTRESS_CODING.system && coding.code === ACUTE_DISTRESS_CODING.code;

function doseOf(quantity: { value?: number; unit?: string; code?: string } | undefined) {
  return quantity?.value === undefined
    ? undefined
    : defined({ value: quantity.value, unit: quantity.code ?? quantity.unit });
}

/** The timing a daily dose needs: the repeat's frequency and period, or the coded abbreviation (Q6H, BID...). */
function timingOf(timing: Timing | undefined) {
  const { frequency, frequencyMax, period, periodUnit } = timing?.repeat ?? {};
  // The coded abbreviation only: Timing.code.text is free text and stays here.
  const code = timing?.code?.coding?.find((c) => c.code)?.code;
  const picked = defined({ frequency, frequencyMax, period, periodUnit, code });
  return Object.keys(picked).length > 0 ? picked : undefined;
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
      const value =
        answer.valueInteger ??
        answer.valueDecimal ??
        answer.valueBoolean ??
        (answer.valueCoding?.code ? codes({ coding: [answer.valueCoding] })[0] : undefined);
      return value === undefined ? [] : [{ linkId: item.linkId, value }];
    }),
    ...flattenItems(item.item ?? []),
  ]);
}
