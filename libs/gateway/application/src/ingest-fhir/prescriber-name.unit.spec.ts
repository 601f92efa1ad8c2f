import type { MedicationRequest, Resource } from '@medplum/fhirtypes';
import { prescriberNameOf } from './prescriber-name';

const order = (requester: MedicationRequest['requester']): MedicationRequest => ({
  resourceType: 'MedicationRequest',
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/pat1' },
  medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '36437' }] },
  ...(requester ? { requester } : {}),
});
const asIs = (reference: string) => reference;
const staffId = (reference: string) => `clin_${reference.replace(/\W/g, '_')}`;

describe('the prescriber name a MedicationRequest gives', () => {
  it('is the requester’s display under the Practitioner’s staff id, however the reference is written', () => {
    expect(
      prescriberNameOf(order({ reference: 'Practitioner/f007', display: ' Patrick Pump ' }), asIs, staffId),
    ).toEqual({ staffId: 'clin_Practitioner_f007', name: 'Patrick Pump' });
    expect(
      prescriberNameOf(
        order({ reference: 'https://ehr.example/fhir/Practitioner/f007', display: 'Patrick Pump' }),
        asIs,
        staffId,
      ),
    ).toMatchObject({ name: 'Patrick Pump' });
    // A Bundle's urn:uuid, resolved to the Practitioner it carries.
    const inBundle = (reference: string) => (reference === 'urn:uuid:p1' ? 'Practitioner/p1' : reference);
    expect(prescriberNameOf(order({ reference: 'urn:uuid:p1', display: 'Dr Ada Example' }), inBundle, staffId)).toEqual(
      { staffId: 'clin_Practitioner_p1', name: 'Dr Ada Example' },
    );
  });

  it('is the name of the Practitioner the same Bundle carries when the requester has no display (as Synthea writes)', () => {
    const inBundle = (reference: string) =>
      reference === 'urn:uuid:p1' ? 'Practitioner?identifier=npi|510' : reference;
    const names = (reference: string) => (reference === 'urn:uuid:p1' ? 'Elroy Brakus' : undefined);
    expect(prescriberNameOf(order({ reference: 'urn:uuid:p1' }), inBundle, staffId, names)).toEqual({
      staffId: staffId('Practitioner?identifier=npi|510'),
      name: 'Elroy Brakus',
    });
    // The EHR's own display wins over the Bundle's entry.
    expect(
      prescriberNameOf(order({ reference: 'urn:uuid:p1', display: 'Dr E. Brakus' }), inBundle, staffId, names),
    ).toMatchObject({
      name: 'Dr E. Brakus',
    });
    expect(prescriberNameOf(order({ reference: 'urn:uuid:p2' }), asIs, staffId, names)).toBeUndefined();
  });

  it('is nothing without a display, for a requester that is not a Practitioner, or for another resource', () => {
    expect(prescriberNameOf(order({ reference: 'Practitioner/f007' }), asIs, staffId)).toBeUndefined();
    expect(prescriberNameOf(order({ reference: 'Practitioner/f007', display: '  ' }), asIs, staffId)).toBeUndefined();
    expect(prescriberNameOf(order({ display: 'Patrick Pump' }), asIs, staffId)).toBeUndefined();
    expect(
      prescriberNameOf(order({ reference: 'PractitionerRole/r1', display: 'Psychiatry' }), asIs, staffId),
    ).toBeUndefined();
    expect(prescriberNameOf(order({ reference: 'Organization/o1', display: 'Clinic' }), asIs, staffId)).toBeUndefined();
    expect(
      prescriberNameOf(order({ reference: 'Practitioner/f007', display: 'x'.repeat(201) }), asIs, staffId),
    ).toBeUndefined();
    expect(
      prescriberNameOf(order({ reference: 'urn:uuid:unknown', display: 'Someone' }), asIs, staffId),
    ).toBeUndefined();
    const request = { resourceType: 'ServiceRequest', requester: { reference: 'Practitioner/f007', display: 'P' } };
    expect(prescriberNameOf(request as Resource, asIs, staffId)).toBeUndefined();
  });
});
