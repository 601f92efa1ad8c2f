import { DRUG_CLASSES, ingredientOfRxnorm, type DrugClass } from '@carecircle/shared-kernel';

/**
 * Drug names and classes as people read them, from the ingredient id and classes MedicationChanged carries:
 * names for the care team, classes for everyone. Drug names never travel on the bus: the gateway resolves
 * them at read time from the shared terminology. Unknown ids show as ids.
 */

/** How a class is named to people: what the medicine is for first, the pharmacological class after. */
const CLASS_NAMES: Readonly<Record<DrugClass, string>> = {
  ssri: 'antidepressant (SSRI)',
  snri: 'antidepressant (SNRI)',
  tca: 'antidepressant (tricyclic)',
  maoi: 'antidepressant (MAOI)',
  'other-antidepressant': 'antidepressant',
  benzodiazepine: 'anti-anxiety medicine (benzodiazepine)',
  opioid: 'pain medicine (opioid)',
  gabapentinoid: 'nerve-pain medicine (gabapentinoid)',
  triptan: 'migraine medicine (triptan)',
  antipsychotic: 'antipsychotic',
  'other-cns-depressant': 'sedative',
};

export function drugName(rxnormIngredient: string | null): string | undefined {
  return rxnormIngredient === null ? undefined : ingredientOfRxnorm(rxnormIngredient)?.name;
}

/** The class named by the event, else the one its ingredient belongs to; undefined when neither says. */
export function drugClassOf(classes: readonly string[], rxnormIngredient: string | null): DrugClass | undefined {
  const named = classes.find((cls): cls is DrugClass => (DRUG_CLASSES as readonly string[]).includes(cls));
  return named ?? (rxnormIngredient === null ? undefined : ingredientOfRxnorm(rxnormIngredient)?.classes[0]);
}

/** A class as people name it, e.g. "antidepressant (SSRI)". */
export function drugClassName(drugClass: DrugClass): string {
  return CLASS_NAMES[drugClass];
}
