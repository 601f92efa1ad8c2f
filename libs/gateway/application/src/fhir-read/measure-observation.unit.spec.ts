import { measureToObservation, OutboundFhirSystems } from '@carecircle/contracts';
import { outboundContextOf } from './fhir-read-references';
import { expectValidFhir, stored } from './fhir-read.fixtures';
import { foldMeasures } from './measure-observation';

const known = new Map([['mbr_synthetic_0001', 'ehr-patient-42']]);
const recorded = stored('MeasureRecorded', 1);
const corrected = stored('MeasureCorrected', 2);
const observationsOf = (events = [recorded]) =>
  foldMeasures(events).map((measure) => measureToObservation(measure, outboundContextOf(measure, known)));

describe('scores as FHIR Observations', () => {
  it('a PHQ-9 total is a final survey Observation with its LOINC code, band, item 9 and who gave it', () => {
    const [observation] = observationsOf();
    expectValidFhir(observation);
    expect(observation).toMatchObject({
      id: 'c1f0a9e2-4b7d-4c11-9e0a-6b2d3f4a5e10',
      meta: { versionId: '1', lastUpdated: recorded.receivedAt },
      status: 'final',
      category: [{ coding: [{ code: 'survey' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '44261-6' }] },
      subject: { reference: 'Patient/ehr-patient-42' },
      effectiveDateTime: '2026-03-09T10:00:00.000Z',
      performer: [{ identifier: { system: OutboundFhirSystems.clinician, value: 'clin_synthetic_psy_01' } }],
      valueQuantity: { value: 14, system: 'http://unitsofmeasure.org', code: '{score}' },
      component: [{ code: { coding: [{ code: '44260-8' }] }, valueInteger: 0 }],
    });
    expect(observation?.interpretation?.[0]?.coding?.map((coding) => coding.code)).toEqual(['band-moderate', 'H']);
  });

  it('a correction is a new version of the same Observation, not a second score: status corrected, the current total, both measure ids', () => {
    const observations = observationsOf([recorded, corrected]);
    expect(observations).toHaveLength(1);
    expectValidFhir(observations[0]);
    expect(observations[0]).toMatchObject({
      id: 'c1f0a9e2-4b7d-4c11-9e0a-6b2d3f4a5e10',
      meta: { versionId: '2', lastUpdated: corrected.receivedAt },
      status: 'corrected',
      valueQuantity: { value: 15 },
      identifier: [
        { system: OutboundFhirSystems.measure, value: 'c1f0a9e2-4b7d-4c11-9e0a-6b2d3f4a5e10' },
        { system: OutboundFhirSystems.measure, value: 'd2a1b0f3-5c8e-4d22-8f1b-7c3e4a5b6f21' },
      ],
    });
    expect(observations[0]?.interpretation?.[0]?.text).toBe('moderately severe');
  });

  it('follows a correction of a correction back to the first measure', () => {
    const second = stored('MeasureCorrected', 3, {
      payload: {
        measureId: 'e3b2c1a4-6d9f-4e33-9a2c-8d4f5b6c7a32',
        correctsMeasureId: 'd2a1b0f3-5c8e-4d22-8f1b-7c3e4a5b6f21',
        total: 9,
        band: 'mild',
      },
    });
    const [observation, ...others] = observationsOf([second, corrected, recorded]);
    expect(others).toEqual([]);
    expect(observation).toMatchObject({
      id: 'c1f0a9e2-4b7d-4c11-9e0a-6b2d3f4a5e10',
      meta: { versionId: '3' },
      status: 'corrected',
      valueQuantity: { value: 9 },
    });
    expect(observation?.interpretation?.[0]?.coding?.map((coding) => coding.code)).toEqual(['band-mild']);
  });

  it('codes GAD-7 by LOINC, unverified instruments by the local system, and MME per day in its own unit', () => {
    const gad7 = stored('MeasureRecorded', 1, {
      payload: { instrument: 'gad-7', total: 16, band: 'severe', item9: null },
    });
    const pcl5 = stored('MeasureRecorded', 2, {
      payload: {
        measureId: 'a1a1a1a1-4b7d-4c11-9e0a-6b2d3f4a5e11',
        instrument: 'pcl-5',
        total: 40,
        band: 'provisional-ptsd',
        item9: null,
      },
    });
    const mme = stored('MeasureRecorded', 3, {
      payload: {
        measureId: 'b2b2b2b2-4b7d-4c11-9e0a-6b2d3f4a5e12',
        instrument: 'opioid-mme',
        total: 60,
        band: '50-to-89',
        item9: null,
      },
    });
    const observations = observationsOf([gad7, pcl5, mme]);
    for (const observation of observations) expectValidFhir(observation);
    expect(observations.map((observation) => observation.code.coding?.[0]?.code)).toEqual([
      '70274-6',
      'pcl-5-total',
      'opioid-mme-per-day',
    ]);
    expect(observations[1]?.code.coding?.[0]?.system).toBe(OutboundFhirSystems.instrument);
    expect(observations[2]?.valueQuantity).toMatchObject({ value: 60, unit: 'MME/d' });
    expect(observations.every((observation) => observation.component === undefined)).toBe(true);
  });
});
