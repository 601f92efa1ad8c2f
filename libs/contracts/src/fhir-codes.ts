import type { z } from 'zod';
import type { instrumentSchema } from './outcomes';

/**
 * The FHIR codes and naming systems CareCircle's outbound resources share, whichever service writes
 * them (outcomes' Observations, clinician-liaison's pushed alerts, the gateway's FHIR reads), so that
 * one score or alert is named and coded the same wherever an EHR gets it from.
 */
export const LOINC = 'http://loinc.org';

export const CareCircleFhirSystems = {
  /** Pseudonymous member ids (`mbr_…`); the gateway alone maps them to EHR Patients. */
  member: 'https://carecircle.example/fhir/NamingSystem/member-id',
  measure: 'https://carecircle.example/fhir/NamingSystem/measure-id',
  /** Local code system for instruments whose LOINC codes were not verified here. */
  instrument: 'https://carecircle.example/fhir/CodeSystem/outcomes-instrument',
  alert: 'urn:carecircle:liaison-alert',
  rule: 'urn:carecircle:coordination-rule',
  /** Local codes for coordination facts that have no verified standard code here. */
  coordinationFact: 'https://carecircle.example/fhir/CodeSystem/coordination-fact',
} as const;

/** Total-score codes: verified LOINC for PHQ-9 (44261-6) and GAD-7 (70274-6), the local system for the others. */
export const INSTRUMENT_TOTAL_CODES: Record<
  z.infer<typeof instrumentSchema>,
  { system: string; code: string; display: string }
> = {
  'phq-9': {
    system: LOINC,
    code: '44261-6',
    display: 'Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]',
  },
  'gad-7': {
    system: LOINC,
    code: '70274-6',
    display: 'Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]',
  },
  'pcl-5': { system: CareCircleFhirSystems.instrument, code: 'pcl-5-total', display: 'PCL-5 total score' },
  'zbi-22': {
    system: CareCircleFhirSystems.instrument,
    code: 'zbi-22-total',
    display: 'Zarit Burden Interview (22 items) total score',
  },
  'whoqol-bref': {
    system: CareCircleFhirSystems.instrument,
    code: 'whoqol-bref-mean-domain',
    display: 'WHOQOL-BREF mean of the four 0-100 domain scores',
  },
  'fact-g': { system: CareCircleFhirSystems.instrument, code: 'fact-g-total', display: 'FACT-G total score' },
  'opioid-mme': {
    system: CareCircleFhirSystems.instrument,
    code: 'opioid-mme-per-day',
    display: 'Opioid morphine milligram equivalents per day',
  },
};

/** PHQ-9 item 9, the self-harm question. */
export const PHQ9_ITEM9_CODING = {
  system: LOINC,
  code: '44260-8',
  display: 'Thoughts that you would be better off dead, or of hurting yourself in some way',
} as const;

/** Acute distress reported (by a facilitator in a session, or by the EHR as a Flag or Observation code). */
export const ACUTE_DISTRESS_CODING = {
  system: CareCircleFhirSystems.coordinationFact,
  code: 'acute-distress',
  display: 'Acute distress reported',
} as const;

/** Rules that describe a drug-drug conflict: coded as a v3 drug-interaction DetectedIssue too. */
export const DRUG_CONFLICT_RULES: ReadonlySet<string> = new Set([
  'opioid-cns-depressant',
  'gabapentinoid-combination',
  'serotonin-syndrome',
]);

/** An alert's severity as FHIR request priority and DetectedIssue severity. */
export const ALERT_PRIORITY = { critical: 'stat', warning: 'urgent', info: 'routine' } as const;
export const ALERT_ISSUE_SEVERITY = { critical: 'high', warning: 'moderate', info: 'low' } as const;
