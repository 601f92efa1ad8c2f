import { findIngredient, MEDICATION_TERMINOLOGY_VERSION, type DrugClass } from '@carecircle/shared-kernel';

export type MedicationClassification =
  | {
      status: 'classified';
      ingredient: string;
      rxnormIngredient: string;
      atc: string;
      classes: DrugClass[];
      mmeFactor: number | null;
      serotonergicOpioid: boolean;
    }
  | { status: 'unclassified'; terminologyVersion: string };

/**
 * Classifies by RxNorm code (ingredient or a known product), else by the ingredient name given
 * (exact, case-insensitive: a coded ingredient name, not free text). Unknown → unclassified.
 */
export function classifyMedication(input: {
  rxnormCode?: string | null;
  name?: string | null;
}): MedicationClassification {
  const found = findIngredient(input);
  if (!found) return { status: 'unclassified', terminologyVersion: MEDICATION_TERMINOLOGY_VERSION };
  return {
    status: 'classified',
    ingredient: found.name,
    rxnormIngredient: found.rxnorm,
    atc: found.atc,
    classes: [...found.classes],
    mmeFactor: found.mmeFactor ?? null,
    serotonergicOpioid: found.serotonergicOpioid ?? false,
  };
}

export const ANTIDEPRESSANT_CLASSES: readonly DrugClass[] = ['ssri', 'snri', 'tca', 'maoi', 'other-antidepressant'];
export const SEROTONERGIC_CLASSES: readonly DrugClass[] = ['ssri', 'snri', 'tca', 'maoi', 'triptan'];
/** CNS depressants for the opioid (2016) and gabapentinoid (2019) communications. */
export const CNS_DEPRESSANT_CLASSES: readonly DrugClass[] = ['benzodiazepine', 'other-cns-depressant', 'antipsychotic'];
