import { CareTeamUpdated, gatewayFixtures, MedicationOrdered, MedicationStatementRecorded } from '@carecircle/contracts';
import { careTeamAssignments, careTeamEnded, GATEWAY_PRESCRIBER, medicationIntent, RXNORM_SYSTEM } from './gateway-ingest';

const ordered = MedicationOrdered.schema.parse(gatewayFixtures.MedicationOrdered).payload;
const statement = MedicationStatementRecorded.schema.parse(gatewayFixtures.MedicationStatementRecorded).payload;
const sertraline = { system: RXNORM_SYSTEM, code: '36437', display: 'sertraline' };

describe('gateway ingest mappings', () => {
  it('starts a medication per gateway resource, classified by the first RxNorm coding the table knows', () => {
    const intent = medicationIntent({ ...ordered, medication: { codes: [...ordered.medication.codes, sertraline] } });
    expect(intent).toMatchObject({
      kind: 'start',
      medicationId: `gw-${ordered.resourceId}`,
      order: { rxnormCode: '36437', name: 'sertraline', dailyDose: null, doseUnit: '1 tablet per dose', prescriberId: ordered.requesterId },
      classification: { status: 'classified', ingredient: 'sertraline', classes: ['ssri'] },
    });
  });

  it('names the prescriber by the staff id the gateway sent, or the placeholder when the EHR named nobody', () => {
    expect(medicationIntent(ordered)).toMatchObject({ order: { prescriberId: 'clin_8d2Qm1vXkT3sW9yLpA0bRg' } });
    expect(medicationIntent({ ...ordered, requesterId: undefined })).toMatchObject({ order: { prescriberId: GATEWAY_PRESCRIBER } });
    expect(medicationIntent(statement)).toMatchObject({ order: { prescriberId: GATEWAY_PRESCRIBER } });
  });

  it('keeps a product code the table does not know as unclassified, never dropped', () => {
    expect(medicationIntent(ordered)).toMatchObject({ kind: 'start', order: { rxnormCode: '312938', name: 'sertraline 50 MG Oral Tablet' }, classification: { status: 'unclassified' } });
    expect(medicationIntent({ ...statement, medication: { codes: [{ system: 'http://example.org/local', code: 'abc' }] } })).toMatchObject({ kind: 'start', order: { rxnormCode: null, name: 'abc', doseUnit: 'unknown' } });
  });

  it('a new revision with another dose differs only in dose; the same revision maps to the same order', () => {
    const one = medicationIntent(ordered);
    const two = medicationIntent({ ...ordered, revision: 2, dose: { value: 2, unit: 'tablet' } });
    expect(medicationIntent(ordered)).toEqual(one);
    expect(one.kind === 'start' && two.kind === 'start' && [one.order.doseUnit, two.order.doseUnit]).toEqual(['1 tablet per dose', '2 tablet per dose']);
  });

  it.each(['stopped', 'cancelled', 'completed', 'entered-in-error'])('stops on %s', (status) => {
    expect(medicationIntent({ ...ordered, status })).toEqual({ kind: 'stop', medicationId: `gw-${ordered.resourceId}` });
  });

  it.each([
    ['draft', 'order'],
    ['on-hold', 'order'],
    ['active', 'proposal'],
    ['active', 'plan'],
  ])('ignores status %s intent %s', (status, intent) => {
    expect(medicationIntent({ ...ordered, status, intent })).toEqual({ kind: 'ignore' });
  });

  it('maps care-team participants with a staff id and a known SNOMED role, ignoring the rest', () => {
    const payload = CareTeamUpdated.schema.parse(gatewayFixtures.CareTeamUpdated).payload;
    expect(careTeamAssignments(payload)).toEqual([{ clinicianId: 'clin_8d2Qm1vXkT3sW9yLpA0bRg', role: 'attending-psychiatrist' }]);
    expect(
      careTeamAssignments({
        participants: [
          { roles: [{ system: 'http://snomed.info/sct', code: '309343006' }], clinician: 'clin_phys_1' },
          { roles: [{ system: 'http://snomed.info/sct', code: '999999' }], clinician: 'clin_other' },
          { roles: [{ system: 'http://snomed.info/sct', code: '80584001' }] },
          // Never an EHR reference, nor an id that is not a staff id.
          { roles: [{ system: 'http://snomed.info/sct', code: '80584001' }], clinician: 'Practitioner/psy-01' },
          { roles: [{ system: 'http://snomed.info/sct', code: '80584001' }], clinician: 'psy-01' },
        ],
      }),
    ).toEqual([{ clinicianId: 'clin_phys_1', role: 'physician' }]);
    expect([careTeamEnded('inactive'), careTeamEnded('entered-in-error'), careTeamEnded('active'), careTeamEnded(undefined)]).toEqual([true, true, false, false]);
  });
});
