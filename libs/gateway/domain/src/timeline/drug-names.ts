/**
 * RxNorm ingredient ids (as MedicationChanged carries them) to generic names and classes, for the care-team
 * view (names) and everyone's (classes). Drug names never travel on the bus: the gateway resolves them at
 * read time. Unknown ids show as ids. Kept in step with liaison's terminology (medication-terminology.ts).
 */
const INGREDIENTS: Readonly<Record<string, readonly [name: string, drugClass: DrugClass]>> = {
  '36437': ['sertraline', 'ssri'],
  '4493': ['fluoxetine', 'ssri'],
  '2556': ['citalopram', 'ssri'],
  '321988': ['escitalopram', 'ssri'],
  '32937': ['paroxetine', 'ssri'],
  '39786': ['venlafaxine', 'snri'],
  '72625': ['duloxetine', 'snri'],
  '704': ['amitriptyline', 'tca'],
  '7531': ['nortriptyline', 'tca'],
  '8123': ['phenelzine', 'maoi'],
  '15996': ['mirtazapine', 'other-antidepressant'],
  '42347': ['bupropion', 'other-antidepressant'],
  '596': ['alprazolam', 'benzodiazepine'],
  '2598': ['clonazepam', 'benzodiazepine'],
  '3322': ['diazepam', 'benzodiazepine'],
  '6470': ['lorazepam', 'benzodiazepine'],
  '7052': ['morphine', 'opioid'],
  '7804': ['oxycodone', 'opioid'],
  '7814': ['oxymorphone', 'opioid'],
  '4337': ['fentanyl', 'opioid'],
  '10689': ['tramadol', 'opioid'],
  '787390': ['tapentadol', 'opioid'],
  '6813': ['methadone', 'opioid'],
  '6754': ['meperidine', 'opioid'],
  '3423': ['hydromorphone', 'opioid'],
  '5489': ['hydrocodone', 'opioid'],
  '2670': ['codeine', 'opioid'],
  '25480': ['gabapentin', 'gabapentinoid'],
  '187832': ['pregabalin', 'gabapentinoid'],
  '6809': ['metformin', 'other'],
  '35636': ['risperidone', 'antipsychotic'],
  '61381': ['olanzapine', 'antipsychotic'],
  '51272': ['quetiapine', 'antipsychotic'],
  '37418': ['sumatriptan', 'triptan'],
  '39993': ['zolpidem', 'other-cns-depressant'],
};

/** Liaison's drug classes (MedicationChanged `classes`), and `other` for a known drug in none of them. */
export type DrugClass =
  | 'ssri'
  | 'snri'
  | 'tca'
  | 'maoi'
  | 'other-antidepressant'
  | 'benzodiazepine'
  | 'opioid'
  | 'gabapentinoid'
  | 'triptan'
  | 'antipsychotic'
  | 'other-cns-depressant'
  | 'other';

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
  other: 'medicine',
};

export function drugName(rxnormIngredient: string | null): string | undefined {
  return rxnormIngredient === null ? undefined : INGREDIENTS[rxnormIngredient]?.[0];
}

/** The class named by the event, else the one its ingredient belongs to; undefined when neither says. */
export function drugClassOf(classes: readonly string[], rxnormIngredient: string | null): DrugClass | undefined {
  const named = classes.find((cls): cls is DrugClass => Object.hasOwn(CLASS_NAMES, cls));
  return named ?? (rxnormIngredient === null ? undefined : INGREDIENTS[rxnormIngredient]?.[1]);
}

/** A class as people name it, e.g. "antidepressant (SSRI)". */
export function drugClassName(drugClass: DrugClass): string {
  return CLASS_NAMES[drugClass];
}
