import type { Resource } from '@medplum/fhirtypes';
import { IdentityVault } from '../identity/identity-vault';
import { DEFAULT_INGEST_SCOPE, resourceToFact } from './resource-to-fact';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const vault = new IdentityVault(Buffer.alloc(32, 1));
const staffId = (reference: string) => vault.staffId(reference);
const map = (resource: object, lookup?: Parameters<typeof resourceToFact>[2]) => resourceToFact(resource as Resource, DEFAULT_INGEST_SCOPE, lookup, staffId);

describe('resourceToFact', () => {
  it('treats a Patient as identity, never as a fact', () => {
    expect(map({ resourceType: 'Patient', id: 'p1', name: [{ family: 'Synthetic' }] })).toEqual({ outcome: 'identity' });
  });

  it('maps a referral to ReferralRequested with codes and instants only, and says where the patient reference is', () => {
    const mapped = map({
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/p1', display: 'Synthetic Person' },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '384682003', display: 'Support group' }, { display: 'no code' }], text: 'free text stays' },
      authoredOn: '2026-01-02',
      note: [{ text: 'private narrative' }],
    });
    expect(mapped).toEqual({
      outcome: 'fact',
      patient: { reference: 'Patient/p1', expression: 'ServiceRequest.subject' },
      fact: { kind: 'ReferralRequested', details: { status: 'active', intent: 'order', codes: [{ system: 'http://snomed.info/sct', code: '384682003', display: 'Support group' }], reasonCodes: [], authoredOn: '2026-01-02' } },
    });
    expect(JSON.stringify(mapped)).not.toMatch(/Synthetic Person|free text stays|private narrative/);
  });

  it('takes the medication of a MedicationRequest from its concept, a contained or a bundled Medication, with the first dose', () => {
    const order = (medication: object) => ({
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: 'urn:uuid:abc' },
      dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: 50, unit: 'milligram', code: 'mg' } }] }],
      ...medication,
    });
    const sertraline = { coding: [{ system: RXNORM, code: '36437' }] };
    const byConcept = map(order({ medicationCodeableConcept: sertraline }));
    expect(byConcept).toMatchObject({ outcome: 'fact', fact: { kind: 'MedicationOrdered', details: { medication: { codes: [{ system: RXNORM, code: '36437' }] }, dose: { value: 50, unit: 'mg' } } } });
    const byReference = map(order({ medicationReference: { reference: 'urn:uuid:med-1' } }), (ref) => (ref === 'urn:uuid:med-1' ? sertraline : undefined));
    expect(byReference).toMatchObject({ fact: { details: { medication: { codes: [{ code: '36437' }] } } } });
  });

  it('takes only the configured instrument Observations, with their value', () => {
    const phq9 = { resourceType: 'Observation', status: 'final', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://loinc.org', code: '44261-6' }] }, valueInteger: 14, effectiveDateTime: '2026-01-03' };
    expect(map(phq9)).toMatchObject({ outcome: 'fact', fact: { kind: 'ObservationRecorded', details: { value: { value: 14 }, effective: '2026-01-03' } } });
    const item9 = { ...phq9, code: { coding: [{ system: 'http://loinc.org', code: '44260-8' }] }, valueInteger: 1 };
    expect(map(item9)).toMatchObject({ outcome: 'fact', fact: { kind: 'ObservationRecorded', details: { value: { value: 1 } } } });
    const heartRate = { ...phq9, code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] } };
    expect(map(heartRate)).toEqual({ outcome: 'ignored', reason: expect.stringMatching(/not an instrument/) });
  });

  it('keeps numeric and coded questionnaire answers, drops free text', () => {
    const mapped = map({
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      subject: { reference: 'Patient/p1' },
      item: [
        { linkId: 'q1', answer: [{ valueInteger: 2 }] },
        { linkId: 'q2', answer: [{ valueString: 'a private sentence' }] },
        { linkId: 'group', item: [{ linkId: 'q3', answer: [{ valueCoding: { system: 'http://loinc.org', code: 'LA6570-1' } }] }] },
      ],
    });
    expect(mapped).toMatchObject({ fact: { kind: 'QuestionnaireAnswered', details: { answers: [{ linkId: 'q1', value: 2 }, { linkId: 'q3', value: { system: 'http://loinc.org', code: 'LA6570-1' } }] } } });
    expect(JSON.stringify(mapped)).not.toContain('private sentence');
  });

  it('finds the patient participant of an Appointment and keeps only clinician members of a CareTeam', () => {
    const appointment = map({ resourceType: 'Appointment', status: 'booked', participant: [{ actor: { reference: 'Practitioner/d1' }, status: 'accepted' }, { actor: { reference: 'Patient/p1' }, status: 'accepted' }] });
    expect(appointment).toMatchObject({ outcome: 'fact', patient: { reference: 'Patient/p1', expression: 'Appointment.participant[1].actor' } });
    const psychiatrist = { coding: [{ system: 'http://snomed.info/sct', code: '80584001' }] };
    const team = map({
      resourceType: 'CareTeam',
      status: 'active',
      subject: { reference: 'Patient/p1' },
      participant: [
        { role: [psychiatrist], member: { reference: 'Practitioner/d1' } },
        { member: { reference: 'RelatedPerson/r1' } },
        { member: { reference: 'Patient/p1' } },
        { role: [psychiatrist], member: { reference: 'PractitionerRole/r2' } },
        { role: [psychiatrist] },
      ],
    });
    expect(team).toEqual({
      outcome: 'fact',
      patient: { reference: 'Patient/p1', expression: 'CareTeam.subject' },
      fact: {
        kind: 'CareTeamUpdated',
        details: {
          status: 'active',
          categories: [],
          participants: [
            { roles: [{ system: 'http://snomed.info/sct', code: '80584001' }], clinician: vault.staffId('Practitioner/d1') },
            { roles: [{ system: 'http://snomed.info/sct', code: '80584001' }], clinician: vault.staffId('PractitionerRole/r2') },
            { roles: [{ system: 'http://snomed.info/sct', code: '80584001' }] },
          ],
        },
      },
    });
    expect(JSON.stringify(team)).not.toMatch(/Practitioner|RelatedPerson|d1|r1|r2/);
  });

  it('names the requester of a referral and of a medication order by staff id only, and nobody it cannot pseudonymise', () => {
    const referral = (requester: object) =>
      map({ resourceType: 'ServiceRequest', status: 'active', intent: 'order', subject: { reference: 'Patient/p1' }, requester, code: { coding: [{ system: 'http://snomed.info/sct', code: '1259213000' }] } });
    const byPractitioner = referral({ reference: 'Practitioner/ref-7', display: 'Dr. Synthetic' });
    expect(byPractitioner).toMatchObject({ fact: { details: { requesterId: vault.staffId('Practitioner/ref-7') } } });
    expect(JSON.stringify(byPractitioner)).not.toMatch(/ref-7|Dr\. Synthetic|Practitioner/);
    for (const requester of [{ reference: 'Organization/o1' }, { reference: 'Patient/p1' }, { display: 'Dr. Synthetic' }]) {
      expect(referral(requester)).toMatchObject({ outcome: 'fact', fact: { details: expect.not.objectContaining({ requesterId: expect.anything() }) } });
    }
    const order = map({ resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject: { reference: 'Patient/p1' }, medicationCodeableConcept: { coding: [{ system: RXNORM, code: '36437' }] }, requester: { reference: 'Practitioner/rx-1' } });
    expect(order).toMatchObject({ fact: { kind: 'MedicationOrdered', details: { requesterId: vault.staffId('Practitioner/rx-1') } } });
  });

  it('ignores, with a reason, resources without a patient, about a Group, or of types outside scope', () => {
    expect(map({ resourceType: 'Condition', code: { text: 'x' } })).toEqual({ outcome: 'ignored', reason: expect.stringMatching(/without a patient reference/) });
    expect(map({ resourceType: 'CarePlan', status: 'active', intent: 'plan', subject: { reference: 'Group/g1' } })).toEqual({ outcome: 'ignored', reason: expect.stringMatching(/about a Group/) });
    expect(map({ resourceType: 'Appointment', status: 'booked', participant: [{ actor: { reference: 'Practitioner/d1' }, status: 'accepted' }] })).toMatchObject({ outcome: 'ignored' });
    expect(map({ resourceType: 'Organization', name: 'Clinic' })).toEqual({ outcome: 'ignored', reason: 'Organization is not a resource type the gateway takes in' });
  });
});
