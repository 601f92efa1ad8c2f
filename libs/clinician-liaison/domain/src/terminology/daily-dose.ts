/**
 * The total daily dose of a FHIR dosage (`Dosage.doseAndRate[0].doseQuantity` × administrations per day
 * from `Dosage.timing`), in the unit the MME factors expect: mg/day, or mcg/h for a fentanyl patch.
 * Pure. When it cannot be computed it says why, so the caller records "dose unknown" rather than nothing.
 * As ordered: a PRN order counts at its maximum frequency (the CDC counts the most that may be taken).
 */
export interface DoseQuantity {
  value: number;
  /** UCUM code or unit text as the EHR sent it (mg, ug, mcg, g, ug/h, tablet...). */
  unit?: string | undefined;
}

export interface DosageTiming {
  frequency?: number | undefined;
  frequencyMax?: number | undefined;
  period?: number | undefined;
  periodUnit?: string | undefined;
  /** `Timing.code`: an HL7 timing abbreviation (QD, BID, Q6H...). */
  code?: string | undefined;
}

export type DailyDose =
  | { kind: 'known'; dailyDose: number; doseUnit: 'mg/day' | 'mcg/h'; frequency: string }
  | {
      kind: 'unknown';
      reason: 'no-dose' | 'dose-unit' | 'no-timing' | 'timing-unreadable';
      doseUnit: string;
      frequency: string;
    };

/** Administrations per day of the HL7 timing abbreviations (v3 GTSAbbreviation) and common Qn H forms. */
export const TIMING_CODES_PER_DAY: Readonly<Record<string, number>> = {
  QD: 1,
  AM: 1,
  PM: 1,
  BED: 1,
  BID: 2,
  TID: 3,
  QID: 4,
  QOD: 0.5,
  Q1H: 24,
  Q2H: 12,
  Q3H: 8,
  Q4H: 6,
  Q6H: 4,
  Q8H: 3,
  Q12H: 2,
  Q24H: 1,
  WK: 1 / 7,
};

/** FHIR `Timing.repeat.periodUnit` (UCUM) in days. Months and years at their average length. */
const DAYS_PER_UNIT: Readonly<Record<string, number>> = {
  s: 1 / 86_400,
  min: 1 / 1_440,
  h: 1 / 24,
  d: 1,
  wk: 7,
  mo: 30.4375,
  a: 365.25,
};

/** Mass units in mg. Anything else (tablet, mL, puff) needs the product's strength, which the order does not carry. */
const MG_PER_UNIT: Readonly<Record<string, number>> = { mg: 1, g: 1000, ug: 0.001, mcg: 0.001, µg: 0.001 };
/** A fentanyl patch's dose is a rate: its MME factor (2.4) is per mcg/h. */
const MCG_PER_HOUR = new Set(['ug/h', 'mcg/h', 'ug/hr', 'mcg/hr', 'µg/h']);

/** Administrations per day, with a readable label; null when the timing says nothing usable. */
export function administrationsPerDay(
  timing: DosageTiming | undefined,
): { perDay: number; label: string } | 'none' | 'unreadable' {
  if (!timing || Object.values(timing).every((v) => v === undefined)) return 'none';
  const { frequency, frequencyMax, period, periodUnit, code } = timing;
  if (period !== undefined || periodUnit !== undefined || frequency !== undefined) {
    const times = frequencyMax ?? frequency ?? 1;
    const days = period !== undefined && periodUnit !== undefined ? period * (DAYS_PER_UNIT[periodUnit] ?? NaN) : NaN;
    if (Number.isFinite(days) && days > 0 && times > 0) {
      const perDay = times / days;
      return { perDay, label: `${times} per ${period} ${periodUnit} (${round(perDay)}/day)` };
    }
    if (!code) return 'unreadable';
  }
  const perDay = code ? TIMING_CODES_PER_DAY[code.toUpperCase()] : undefined;
  return perDay === undefined ? 'unreadable' : { perDay, label: `${code!.toUpperCase()} (${round(perDay)}/day)` };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Daily dose from one administration's dose and the timing; `fentanyl` reads the dose as a patch rate. */
export function dailyDoseOf(
  dose: DoseQuantity | undefined,
  timing: DosageTiming | undefined,
  options: { ratePerHour?: boolean } = {},
): DailyDose {
  const perDay = administrationsPerDay(timing);
  const frequency = typeof perDay === 'object' ? perDay.label : 'unknown';
  if (!dose) return { kind: 'unknown', reason: 'no-dose', doseUnit: 'unknown', frequency };
  const unit = (dose.unit ?? '').trim();
  const asSent = `${dose.value} ${unit || 'unit'} per dose`;
  if (options.ratePerHour && MCG_PER_HOUR.has(unit.toLowerCase()))
    return { kind: 'known', dailyDose: dose.value, doseUnit: 'mcg/h', frequency: 'continuous' };
  const mg = MG_PER_UNIT[unit.toLowerCase()];
  if (mg === undefined || options.ratePerHour)
    return { kind: 'unknown', reason: 'dose-unit', doseUnit: asSent, frequency };
  if (perDay === 'none') return { kind: 'unknown', reason: 'no-timing', doseUnit: asSent, frequency };
  if (perDay === 'unreadable') return { kind: 'unknown', reason: 'timing-unreadable', doseUnit: asSent, frequency };
  return { kind: 'known', dailyDose: round(dose.value * mg * perDay.perDay), doseUnit: 'mg/day', frequency };
}

/** The units a daily dose is published in (MedicationChanged): the two the MME factors use. */
export type PublishedDoseUnit = 'mg/day' | 'mcg/h';

const PUBLISHED_UNITS: Readonly<Record<string, PublishedDoseUnit>> = {
  'mg/day': 'mg/day',
  'mg/d': 'mg/day',
  // The REST route's daily dose is a total per day in mg (its `doseUnit` names the mass unit only).
  mg: 'mg/day',
  ...Object.fromEntries([...MCG_PER_HOUR].map((unit) => [unit, 'mcg/h' as const])),
};

/**
 * A medication's daily dose as other services may learn it: a number in mg/day or mcg/h, or nulls when
 * it is unknown or in any other unit (the EHR's text, "2 tablet per dose", never leaves liaison).
 */
export function publishedDailyDose(medication: { dailyDose: number | null; doseUnit: string }): {
  dailyDose: number | null;
  doseUnit: PublishedDoseUnit | null;
} {
  const unit = PUBLISHED_UNITS[medication.doseUnit.trim().toLowerCase()];
  const dose = medication.dailyDose;
  return unit && dose !== null && Number.isFinite(dose) && dose >= 0
    ? { dailyDose: dose, doseUnit: unit }
    : { dailyDose: null, doseUnit: null };
}
