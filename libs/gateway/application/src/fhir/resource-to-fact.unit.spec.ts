import type { Resource } from '@medplum/fhirtypes';
import { ACUTE_DISTRESS_CODING } from '@carecircle/contracts';
import { IdentityVault } from '../identity/identity-vault';
import { DEFAULT_INGEST_SCOPE, resourceToFact } from './resource-to-fact';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const vault = new IdentityVault(Buffer.alloc(32, 1));
const staffId = (reference: string) => vault.staffId(reference);
const map = (resource: object, lookup?: Parameters<typeof resourceToFact>[2]) =>
  resourceToFact(resource as Resource, DEFAULT_INGEST_SCOPE, lookup, staffId);

describe('resourceToFact', () => {
  it('treats a Patient as identity, and takes only its birth date, active and deceased as PatientRecorded', () => {
    const patient = {
      resourceType: 'Patient',
      id: 'p1',
      active: true,
      birthDate: '2003-05-17',
      name: [{ family: 'Synthetic' }],
      identifier: [{ system: 'urn:mrn', value: 'MRN-1' }],
      gender: 'female',
    };
    expect(map(patient)).toEqual({
      outcome: 'identity',
      fact: { kind: 'PatientRecorded', details: { active: true, birthDate: '2003-05-17' } },
    });
    expect(JSON.stringify(map(patient))).not.toMatch(/Synthetic|MRN-1|female/);
    expect(map({ resourceType: 'Patient', id: 'p2', deceasedDateTime: '2026-01-02' })).toEqual({
      outcome: 'identity',
      fact: { kind: 'PatientRecorded', details: { deceased: true } },
    });
    expect(map({ resourceType: 'Patient', id: 'p3', deceasedBoolean: false })).toEqual({
      outcome: 'identity',
      fact: { kind: 'PatientRecorded', details: { deceased: false } },
    });
  });

  it("maps a patient's Flag to FlagRecorded with codes only (acute distress included); a Flag about a location is ignored", () => {
    const flag = {
      resourceType: 'Flag',
      status: 'active',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'clinical' }] }],
      code: { coding: [{ ...ACUTE_DISTRESS_CODING }], text: 'Tearful, said things about ending it' },
      subject: { reference: 'Patient/p1' },
      period: { start: '2026-03-02T09:00:00Z' },
    };
    expect(map(flag)).toEqual({
      outcome: 'fact',
      patient: { reference: 'Patient/p1', expression: 'Flag.subject' },
      fact: {
        kind: 'FlagRecorded',
        details: {
          status: 'active',
          categories: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'clinical' }],
          codes: [{ ...ACUTE_DISTRESS_CODING }],
          period: { start: '2026-03-02T09:00:00Z' },
        },
      },
    });
    expect(JSON.stringify(map(flag))).not.toMatch(/Tearful/);
    expect(map({ ...flag, subject: { reference: 'Location/ward-3' } })).toEqual({
      outcome: 'ignored',
      reason: expect.stringMatching(/Location/),
    });
  });

  it('maps a referral to ReferralRequested with codes and instants only, and says where the patient reference is', () => {
    const mapped = map({
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/p1', display: 'Synthetic Person' },
      code: {
        coding: [
          { system: 'http://snomed.info/sct', code: '384682003', display: 'Support group' },
          { display: 'no code' },
        ],
        text: 'free text stays',
      },
      authoredOn: '2026-01-02',
      note: [{ text: 'private narrative' }],
    });
    expect(mapped).toEqual({
      outcome: 'fact',
      patient: { reference: 'Patient/p1', expression: 'ServiceRequest.subject' },
      fact: {
        kind: 'ReferralRequested',
        details: {
          status: 'active',
          intent: 'order',
          codes: [{ system: 'http://snomed.info/sct', code: '384682003', display: 'Support group' }],
          reasonCodes: [],
          authoredOn: '2026-01-02',
        },
      },
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
    expect(byConcept).toMatchObject({
      outcome: 'fact',
      fact: {
        kind: 'MedicationOrdered',
        details: { medication: { codes: [{ system: RXNORM, code: '36437' }] }, dose: { value: 50, unit: 'mg' } },
      },
    });
    const byReference = map(order({ medicationReference: { reference: 'urn:uuid:med-1' } }), (ref) =>
      ref === 'urn:uuid:med-1' ? sertraline : undefined,
    );
    expect(byReference).toMatchObject({ fact: { details: { medication: { codes: [{ code: '36437' }] } } } });
  });

  it("takes the first dosage's timing (repeat, or its coded abbreviation, never its text) for the daily dose", () => {
    const oxycodone = (timing: object | undefined, key = 'dosageInstruction', resourceType = 'MedicationRequest') => ({
      resourceType,
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/p1' },
      medicationCodeableConcept: { coding: [{ system: RXNORM, code: '7804' }] },
      [key]: [{ doseAndRate: [{ doseQuantity: { value: 30, unit: 'mg' } }], ...(timing ? { timing } : {}) }],
    });
    expect(
      map(oxycodone({ repeat: { frequency: 1, period: 6, periodUnit: 'h', boundsDuration: { value: 5, unit: 'd' } } })),
    ).toMatchObject({
      fact: {
        kind: 'MedicationOrdered',
        details: { dose: { value: 30, unit: 'mg' }, timing: { frequency: 1, period: 6, periodUnit: 'h' } },
      },
    });
    const coded = map(
      oxycodone({
        code: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation', code: 'Q6H' }],
          text: 'every six hours',
        },
      }),
    );
    expect(coded).toMatchObject({ fact: { details: { timing: { code: 'Q6H' } } } });
    expect(JSON.stringify(coded)).not.toMatch(/every six hours/);
    expect(map(oxycodone({ code: { text: 'as discussed' } }))).toMatchObject({
      fact: { details: expect.not.objectContaining({ timing: expect.anything() }) },
    });
    expect(map(oxycodone(undefined))).toMatchObject({
      fact: { details: expect.not.objectContaining({ timing: expect.anything() }) },
    });
    const { intent: _intent, ...statement } = oxycodone(
      { code: { coding: [{ code: 'BID' }] } },
      'dosage',
      'MedicationStatement',
    );
    expect(map(statement)).toMatchObject({
      fact: { kind: 'MedicationStatementRecorded', details: { timing: { code: 'BID' } } },
    });
  });

  it('takes only the configured instrument Observations, with their value', () => {
    const phq9 = {
      resourceType: 'Observation',
      status: 'final',
      subject: { reference: 'Patient/p1' },
      code: { coding: [{ system: 'http://loinc.org', code: '44261-6' }] },
      valueInteger: 14,
      effectiveDateTime: '2026-01-03',
    };
    expect(map(phq9)).toMatchObject({
      outcome: 'fact',
      fact: { kind: 'ObservationRecorded', details: { value: { value: 14 }, effective: '2026-01-03' } },
    });
    const item9 = { ...phq9, code: { coding: [{ system: 'http://loinc.org', code: '44260-8' }] }, valueInteger: 1 };
    expect(map(item9)).toMatchObject({
      outcome: 'fact',
      fact: { kind: 'ObservationRecorded', details: { value: { value: 1 } } },
    });
    const heartRate = { ...phq9, code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] } };
    expect(map(heartRate)).toEqual({ outcome: 'ignored', reason: expect.stringMatching(/not an instrument/) });
  });

  it('takes an Observation of acute distress (ACUTE_DISTRESS_CODING) whatever the instrument scope', () => {
    const distress = {
      resourceType: 'Observation',
      status: 'final',
      subject: { reference: 'Patient/p1' },
      code: { coding: [{ ...ACUTE_DISTRESS_CODING }] },
      effectiveDateTime: '2026-03-02T09:00:00Z',
    };
    expect(resourceToFact(distress as Resource, { observationCodes: [] })).toMatchObject({
      outcome: 'fact',
      fact: {
        kind: 'ObservationRecorded',
        details: { status: 'final', codes: [{ ...ACUTE_DISTRESS_CODING }], effective: '2026-03-02T09:00:00Z' },
      },
    });
    const otherSystem = {
      ...distress,
      code: { coding: [{ system: 'http://example.org/local', code: ACUTE_DISTRESS_CODING.code }] },
    };
    expect(map(otherSystem)).toMatchObject({ outcome: 'ignored' });
  });

  it('keeps numeric and coded questionnaire answers, drops free text', () => {
    const mapped = map({
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      subject: { reference: 'Patient/p1' },
      item: [
        { linkId: 'q1', answer: [{ valueInteger: 2 }] },
        { linkId: 'q2', answer: [{ valueString: 'a private sentence' }] },
        {
          linkId: 'group',
          item: [{ linkId: 'q3', answer: [{ valueCoding: { system: 'http://loinc.org', code: 'LA6570-1' } }] }],
        },
      ],
    });
    expect(mapped).toMatchObject({
      fact: {
        kind: 'QuestionnaireAnswered',
        details: {
          answers: [
            { linkId: 'q1', value: 2 },
            { linkId: 'q3', value: { system: 'http://loinc.org', code: 'LA6570-1' } },
          ],
        },
      },
    });
    expect(JSON.stringify(mapped)).not.toContain('private sentence');
  });

  it('finds the patient participant of an Appointment and keeps only clinician members of a CareTeam', () => {
    const appointment = map({
      resourceType: 'Appointment',
      status: 'booked',
      participant: [
        { actor: { reference: 'Practitioner/d1' }, status: 'accepted' },
        { actor: { reference: 'Patient/p1' }, status: 'accepted' },
      ],
    });
    expect(appointment).toMatchObject({
      outcome: 'fact',
      patient: { reference: 'Patient/p1', expression: 'Appointment.participant[1].actor' },
    });
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
            {
              roles: [{ system: 'http://snomed.info/sct', code: '80584001' }],
              clinician: vault.staffId('Practitioner/d1'),
            },
            {
              roles: [{ system: 'http://snomed.info/sct', code: '80584001' }],
              clinician: vault.staffId('PractitionerRole/r2'),
            },
            { roles: [{ system: 'http://snomed.info/sct', code: '80584001' }] },
          ],
        },
      },
    });
    expect(JSON.stringify(team)).not.toMatch(/Practitioner|RelatedPerson|d1|r1|r2/);
  });

  it('names the requester of a referral and of a medication order by staff id only, and nobody it cannot pseudonymise', () => {
    const referral = (requester: object) =>
      map({
        resourceType: 'ServiceRequest',
        status: 'active',
        intent: 'order',
        subject: { reference: 'Patient/p1' },
        requester,
        code: { coding: [{ system: 'http://snomed.info/sct', code: '1259213000' }] },
      });
    const byPractitioner = referral({ reference: 'Practitioner/ref-7', display: 'Dr. Synthetic' });
    expect(byPractitioner).toMatchObject({ fact: { details: { requesterId: vault.staffId('Practitioner/ref-7') } } });
    expect(JSON.stringify(byPractitioner)).not.toMatch(/ref-7|Dr\. Synthetic|Practitioner/);
    for (const requester of [
      { reference: 'Organization/o1' },
      { reference: 'Patient/p1' },
      { display: 'Dr. Synthetic' },
    ]) {
      expect(referral(requester)).toMatchObject({
        outcome: 'fact',
        fact: { details: expect.not.objectContaining({ requesterId: expect.anything() }) },
      });
    }
    const order = map({
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/p1' },
      medicationCodeableConcept: { coding: [{ system: RXNORM, code: '36437' }] },
      requester: { reference: 'Practitioner/rx-1' },
    });
    expect(order).toMatchObject({
      fact: { kind: 'MedicationOrdered', details: { requesterId: vault.staffId('Practitioner/rx-1') } },
    });
  });

  it('ignores, with a reason, resources without a patient, about a Group, or of types outside scope', () => {
    expect(map({ resourceType: 'Condition', code: { text: 'x' } })).toEqual({
      outcome: 'ignored',
      reason: expect.stringMatching(/without a patient reference/),
    });
    expect(
      map({ resourceType: 'CarePlan', status: 'active', intent: 'plan', subject: { reference: 'Group/g1' } }),
    ).toEqual({ outcome: 'ignored', reason: expect.stringMatching(/about a Group/) });
    expect(
      map({
        resourceType: 'Appointment',
        status: 'booked',
        participant: [{ actor: { reference: 'Practitioner/d1' }, status: 'accepted' }],
      }),
    ).toMatchObject({ outcome: 'ignored' });
    expect(map({ resourceType: 'Organization', name: 'Clinic' })).toEqual({
      outcome: 'ignored',
      reason: 'Organization is not a resource type the gateway takes in',
    });
  });
});
