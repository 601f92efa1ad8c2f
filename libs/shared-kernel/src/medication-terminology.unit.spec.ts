import { DRUG_CLASSES, findIngredient, ingredientOfRxnorm } from './medication-terminology';

describe('medication terminology', () => {
  it('names an ingredient from its RxNorm ingredient id, and knows nothing of other ids', () => {
    expect(ingredientOfRxnorm('36437')).toMatchObject({ name: 'sertraline', atc: 'N06AB06', classes: ['ssri'] });
    expect(ingredientOfRxnorm('328670')).toBeUndefined(); // a product code is not an ingredient id
    expect(ingredientOfRxnorm('6809')).toBeUndefined(); // metformin: not in the terminology
  });

  it('finds the ingredient of a known product code, or of an exact ingredient name', () => {
    expect(findIngredient({ rxnormCode: '328670' })?.name).toBe('sertraline');
    expect(findIngredient({ rxnormCode: null, name: '  Lorazepam ' })?.rxnorm).toBe('6470');
    expect(findIngredient({ name: 'lorazepam 1 mg tablet' })).toBeUndefined(); // free text is not a coded name
  });

  it('classes ingredients of each kind from the one list of classes', () => {
    for (const code of ['36437', '4337', '25480', '39993', '51272']) {
      const classes = ingredientOfRxnorm(code)?.classes ?? [];
      expect(classes.length).toBeGreaterThan(0);
      for (const cls of classes) expect(DRUG_CLASSES).toContain(cls);
    }
  });
});
