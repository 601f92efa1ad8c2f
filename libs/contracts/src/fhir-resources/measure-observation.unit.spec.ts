import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Observation } from '@medplum/fhirtypes';
import { outcomesFixtures } from '../outcomes';
import { measureToObservation, type MeasurePayload } from './measure-observation';
import { memberReference } from './references';

const examples = join(__dirname, '../../../../../shared/data/fhir-examples');
const official = JSON.parse(readFileSync(join(examples, 'Observation-example.json'), 'utf8')) as Observation;

const phq9: MeasurePayload = outcomesFixtures.MeasureRecorded.payload;
const observationOf = (current: MeasurePayload) =>
  measureToObservation(
    { rootMeasureId: current.measureId, measureIds: [current.measureId], current, corrected: false },
    { patient: memberReference('mbr_synthetic_0001') },
  );

describe('a score as a FHIR Observation (one mapping for every writer)', () => {
  it('is a survey Observation shaped like the official example, with item 9 as a component and no Patient/ reference', () => {
    const observation = observationOf(phq9);
    expect(
      Object.keys(observation).filter(
        (key) => !(key in official) && !['identifier', 'performer', 'interpretation', 'component'].includes(key),
      ),
    ).toEqual([]);
    expect(observation.category?.[0]?.coding?.[0]).toMatchObject({
      system: official.category?.[0]?.coding?.[0]?.system,
      code: 'survey',
    });
    expect(observation.code.coding?.[0]).toMatchObject({ system: 'http://loinc.org', code: '44261-6' });
    expect(observation.valueQuantity).toMatchObject({ value: 14, code: '{score}' });
    expect(observation.component?.[0]).toMatchObject({ code: { coding: [{ code: '44260-8' }] }, valueInteger: 0 });
    expect(JSON.stringify(observation)).not.toMatch(/Patient\//);
  });

  it('uses LOINC 70274-6 for GAD-7 and a stated local system elsewhere', () => {
    expect(observationOf({ ...phq9, instrument: 'gad-7', item9: null } as MeasurePayload).code.coding?.[0]?.code).toBe(
      '70274-6',
    );
    expect(
      observationOf({ ...phq9, instrument: 'pcl-5', item9: null } as MeasurePayload).code.coding?.[0]?.system,
    ).toBe('https://carecircle.example/fhir/CodeSystem/outcomes-instrument');
  });
});
