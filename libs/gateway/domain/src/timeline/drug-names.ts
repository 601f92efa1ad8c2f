/**
 * RxNorm ingredient ids (as MedicationChanged carries them) to generic names, for the care-team view.
 * Drug names never travel on the bus: the gateway resolves them at read time. Unknown ids show as ids.
 */
const INGREDIENTS: Readonly<Record<string, string>> = {
  '36437': 'sertraline',
  '4493': 'fluoxetine',
  '2556': 'citalopram',
  '321988': 'escitalopram',
  '32937': 'paroxetine',
  '39786': 'venlafaxine',
  '72625': 'duloxetine',
  '704': 'amitriptyline',
  '15996': 'mirtazapine',
  '42347': 'bupropion',
  '596': 'alprazolam',
  '2598': 'clonazepam',
  '3322': 'diazepam',
  '6470': 'lorazepam',
  '7052': 'morphine',
  '7804': 'oxycodone',
  '4337': 'fentanyl',
  '10689': 'tramadol',
  '787390': 'tapentadol',
  '6813': 'methadone',
  '3423': 'hydromorphone',
  '5489': 'hydrocodone',
  '2670': 'codeine',
  '25480': 'gabapentin',
  '187832': 'pregabalin',
  '6809': 'metformin',
  '35636': 'risperidone',
  '61381': 'olanzapine',
  '51272': 'quetiapine',
  '37418': 'sumatriptan',
};

export function drugName(rxnormIngredient: string | null): string | undefined {
  return rxnormIngredient === null ? undefined : INGREDIENTS[rxnormIngredient];
}
