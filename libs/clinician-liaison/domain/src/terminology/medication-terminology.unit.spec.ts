import { classifyMedication } from './medication-terminology';

describe('medication terminology', () => {
  it('classifies RxNorm ingredient codes with ATC class and MME factor', () => {
    expect(classifyMedication({ rxnormCode: '36437' })).toMatchObject({
      status: 'classified',
      ingredient: 'sertraline',
      atc: 'N06AB06',
      classes: ['ssri'],
    });
    expect(classifyMedication({ rxnormCode: '7804' })).toMatchObject({
      ingredient: 'oxycodone',
      classes: ['opioid'],
      mmeFactor: 1.5,
    });
  });

  it('maps the product codes in the Synthea data to their ingredient', () => {
    expect(classifyMedication({ rxnormCode: '328670' })).toMatchObject({ ingredient: 'sertraline' });
    expect(classifyMedication({ rxnormCode: '1049221' })).toMatchObject({ ingredient: 'oxycodone' });
    expect(classifyMedication({ rxnormCode: '563026' })).toMatchObject({
      ingredient: 'diazepam',
      classes: ['benzodiazepine'],
    });
  });

  it('falls back to the coded ingredient name', () => {
    expect(classifyMedication({ name: 'Tramadol' })).toMatchObject({ classes: ['opioid'], serotonergicOpioid: true });
  });

  it('keeps unknown drugs as unclassified', () => {
    expect(classifyMedication({ rxnormCode: '314076', name: 'lisinopril 10 MG Oral Tablet' })).toEqual({
      status: 'unclassified',
      terminologyVersion: '2026.1',
    });
  });
});
