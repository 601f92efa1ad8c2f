/**
 * The one place that knows what a drug is: RxNorm ingredients with their names, ATC codes and classes. Shared by
 * clinician-liaison (classifies orders; its rules ask for classes, never for names) and the gateway (names a
 * drug for the care team from the ingredient id the bus carries).
 *
 * Version 2026.1. Sources:
 * - RxNorm ingredient (TTY=IN) concept ids, U.S. National Library of Medicine, RxNav
 *   (https://mor.nlm.nih.gov/RxNav/), checked against the ingredients they name.
 * - ATC codes, WHO Collaborating Centre for Drug Statistics Methodology, ATC/DDD index
 *   (https://atcddd.fhi.no/atc_ddd_index/).
 * - MME conversion factors: CDC Guideline for Prescribing Opioids for Chronic Pain (2016), as
 *   listed in DOMAIN.md (fentanyl: per mcg/h of a transdermal patch).
 * - Product codes (SCD/SBD) are only those seen in the Synthea data in ../shared/data/synthea,
 *   mapped to the ingredient their RxNorm display names.
 * A drug not found here is kept and reported as unclassified; it is never dropped.
 */
export const MEDICATION_TERMINOLOGY_VERSION = '2026.1';

/** The drug classes the coordination rules ask about; the bus's contract lists exactly these. */
export const DRUG_CLASSES = [
  'ssri',
  'snri',
  'tca',
  'maoi',
  'other-antidepressant',
  'benzodiazepine',
  'opioid',
  'gabapentinoid',
  'triptan',
  'antipsychotic',
  'other-cns-depressant',
] as const;

export type DrugClass = (typeof DRUG_CLASSES)[number];

export interface Ingredient {
  rxnorm: string;
  name: string;
  atc: string;
  classes: readonly DrugClass[];
  /** Morphine milligram equivalents per unit of daily dose (mg/day; fentanyl: mcg/h). */
  mmeFactor?: number;
  /** Opioids the FDA names for serotonin syndrome with serotonergic drugs (2016-03-22). */
  serotonergicOpioid?: boolean;
}

const ingredients: readonly Ingredient[] = [
  { rxnorm: '36437', name: 'sertraline', atc: 'N06AB06', classes: ['ssri'] },
  { rxnorm: '4493', name: 'fluoxetine', atc: 'N06AB03', classes: ['ssri'] },
  { rxnorm: '2556', name: 'citalopram', atc: 'N06AB04', classes: ['ssri'] },
  { rxnorm: '321988', name: 'escitalopram', atc: 'N06AB10', classes: ['ssri'] },
  { rxnorm: '32937', name: 'paroxetine', atc: 'N06AB05', classes: ['ssri'] },
  { rxnorm: '39786', name: 'venlafaxine', atc: 'N06AX16', classes: ['snri'] },
  { rxnorm: '72625', name: 'duloxetine', atc: 'N06AX21', classes: ['snri'] },
  { rxnorm: '704', name: 'amitriptyline', atc: 'N06AA09', classes: ['tca'] },
  { rxnorm: '7531', name: 'nortriptyline', atc: 'N06AA10', classes: ['tca'] },
  { rxnorm: '8123', name: 'phenelzine', atc: 'N06AF03', classes: ['maoi'] },
  { rxnorm: '42347', name: 'bupropion', atc: 'N06AX12', classes: ['other-antidepressant'] },
  { rxnorm: '15996', name: 'mirtazapine', atc: 'N06AX11', classes: ['other-antidepressant'] },
  { rxnorm: '3322', name: 'diazepam', atc: 'N05BA01', classes: ['benzodiazepine'] },
  { rxnorm: '2598', name: 'clonazepam', atc: 'N03AE01', classes: ['benzodiazepine'] },
  { rxnorm: '596', name: 'alprazolam', atc: 'N05BA12', classes: ['benzodiazepine'] },
  { rxnorm: '6470', name: 'lorazepam', atc: 'N05BA06', classes: ['benzodiazepine'] },
  { rxnorm: '7052', name: 'morphine', atc: 'N02AA01', classes: ['opioid'], mmeFactor: 1 },
  { rxnorm: '2670', name: 'codeine', atc: 'R05DA04', classes: ['opioid'], mmeFactor: 0.15 },
  { rxnorm: '5489', name: 'hydrocodone', atc: 'R05DA03', classes: ['opioid'], mmeFactor: 1 },
  { rxnorm: '7804', name: 'oxycodone', atc: 'N02AA05', classes: ['opioid'], mmeFactor: 1.5 },
  { rxnorm: '3423', name: 'hydromorphone', atc: 'N02AA03', classes: ['opioid'], mmeFactor: 5 },
  { rxnorm: '7814', name: 'oxymorphone', atc: 'N02AA11', classes: ['opioid'], mmeFactor: 3 },
  { rxnorm: '4337', name: 'fentanyl', atc: 'N02AB03', classes: ['opioid'], mmeFactor: 2.4, serotonergicOpioid: true },
  { rxnorm: '6813', name: 'methadone', atc: 'N07BC02', classes: ['opioid'], mmeFactor: 4.7, serotonergicOpioid: true },
  { rxnorm: '6754', name: 'meperidine', atc: 'N02AB02', classes: ['opioid'], serotonergicOpioid: true },
  { rxnorm: '10689', name: 'tramadol', atc: 'N02AX02', classes: ['opioid'], mmeFactor: 0.2, serotonergicOpioid: true },
  {
    rxnorm: '787390',
    name: 'tapentadol',
    atc: 'N02AX06',
    classes: ['opioid'],
    mmeFactor: 0.4,
    serotonergicOpioid: true,
  },
  { rxnorm: '25480', name: 'gabapentin', atc: 'N03AX12', classes: ['gabapentinoid'] },
  { rxnorm: '187832', name: 'pregabalin', atc: 'N03AX16', classes: ['gabapentinoid'] },
  { rxnorm: '37418', name: 'sumatriptan', atc: 'N02CC01', classes: ['triptan'] },
  { rxnorm: '51272', name: 'quetiapine', atc: 'N05AH04', classes: ['antipsychotic'] },
  { rxnorm: '61381', name: 'olanzapine', atc: 'N05AH03', classes: ['antipsychotic'] },
  { rxnorm: '39993', name: 'zolpidem', atc: 'N05CF02', classes: ['other-cns-depressant'] },
];

/** Product codes (SCD/SBD) found in the Synthea sample data → their ingredient's RxNorm id. */
const products: Readonly<Record<string, string>> = {
  '328670': '36437', // Sertraline 100MG
  '406022': '4493', // Fluoxetine 25MG
  '1310197': '5489', // Acetaminophen 300 MG / HYDROcodone Bitartrate 5 MG [Vicodin]
  '856980': '5489', // Acetaminophen/Hydrocodone
  '1049221': '7804', // Acetaminophen 325 MG / Oxycodone Hydrochloride 5 MG Oral Tablet
  '1860154': '7804', // Abuse-Deterrent 12 HR Oxycodone Hydrochloride 15 MG Extended Release Oral Tablet
  '861467': '6754', // Meperidine Hydrochloride 50 MG Oral Tablet
  '197591': '3322', // Diazepam 5 MG Oral Tablet
  '563026': '3322', // Diazepam [Valium]
  '1153378': '2598', // Clonazepam [Klonopin]
};

const byCode = new Map(ingredients.map((i) => [i.rxnorm, i]));
const byName = new Map(ingredients.map((i) => [i.name, i]));

/** The ingredient an RxNorm ingredient id names, if the terminology knows it. */
export function ingredientOfRxnorm(rxnormIngredient: string): Ingredient | undefined {
  return byCode.get(rxnormIngredient);
}

/**
 * The ingredient of an RxNorm code (an ingredient or a known product), else of an ingredient name (exact,
 * case-insensitive: a coded ingredient name, not free text).
 */
export function findIngredient(input: { rxnormCode?: string | null; name?: string | null }): Ingredient | undefined {
  const code = input.rxnormCode ?? undefined;
  return (
    (code && (byCode.get(code) ?? byCode.get(products[code] ?? ''))) ||
    (input.name ? byName.get(input.name.trim().toLowerCase()) : undefined)
  );
}
