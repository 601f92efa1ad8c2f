import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { validateFhirResource } from './structure-validation';
import { expandValueSet } from './terminology';

const DATA = resolve(__dirname, '../../../../../../shared/data');
const readJsonFile = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const jsonFiles = (dir: string) => readdirSync(dir).filter((file) => file.endsWith('.json'));

describe('terminology of required bindings', () => {
  describe('accepts every official and Synthea resource (no false positives)', () => {
    // Files named <ResourceType>-<id>.json; package.json and SOURCES.md describe the download.
    const examples = jsonFiles(join(DATA, 'fhir-examples')).filter((file) => /^[A-Z][A-Za-z]+-/.test(file));

    it('has the official FHIR examples to check', () => expect(examples.length).toBeGreaterThan(250));

    it.each(examples)('%s', (file) => {
      expect(validateFhirResource(readJsonFile<Resource>(join(DATA, 'fhir-examples', file)))).toEqual([]);
    });

    it.each(jsonFiles(join(DATA, 'synthea/r4-bundles')))('every entry of Synthea %s', (file) => {
      const bundle = readJsonFile<Bundle>(join(DATA, 'synthea/r4-bundles', file));
      expect(bundle.entry?.length).toBeGreaterThan(0);
      const issues = (bundle.entry ?? []).flatMap((entry, index) =>
        validateFhirResource(entry.resource as Resource, `Bundle.entry[${index}].resource`),
      );
      expect(issues).toEqual([]);
    });
  });

  describe('refuses a code outside the bound value set, saying where', () => {
    const cases: [string, object, string, string][] = [
      ['Patient.gender', { resourceType: 'Patient', gender: 'foo' }, 'Patient.gender', 'AdministrativeGender'],
      [
        'MedicationRequest.status',
        {
          resourceType: 'MedicationRequest',
          status: 'bogus',
          intent: 'order',
          subject: { reference: 'Patient/p1' },
          medicationCodeableConcept: { text: 'x' },
        },
        'MedicationRequest.status',
        'MedicationRequestStatus',
      ],
      [
        'Observation.status',
        { resourceType: 'Observation', status: 'done', code: { text: 'x' } },
        'Observation.status',
        'ObservationStatus',
      ],
      [
        'Appointment.status',
        {
          resourceType: 'Appointment',
          status: 'confirmed',
          start: '2026-01-02T10:00:00Z',
          end: '2026-01-02T10:30:00Z',
          participant: [{ status: 'accepted', actor: { reference: 'Patient/p1' } }],
        },
        'Appointment.status',
        'AppointmentStatus',
      ],
      [
        'a nested backbone element',
        { resourceType: 'Patient', contact: [{ name: { family: 'Synthetic' }, gender: 'x' }] },
        'Patient.contact[0].gender',
        'AdministrativeGender',
      ],
      [
        'a data type inside an array',
        {
          resourceType: 'Patient',
          telecom: [
            { system: 'phone', value: '555' },
            { system: 'carrier-pigeon', value: '556' },
          ],
        },
        'Patient.telecom[1].system',
        'ContactPointSystem',
      ],
      ['Bundle.type', { resourceType: 'Bundle', type: 'bundle' }, 'Bundle.type', 'BundleType'],
      [
        'Patient.link.type',
        { resourceType: 'Patient', link: [{ other: { reference: 'Patient/p2' }, type: 'see-also' }] },
        'Patient.link[0].type',
        'LinkType',
      ],
      [
        'a CodeableConcept coding of the bound system',
        {
          resourceType: 'AllergyIntolerance',
          patient: { reference: 'Patient/p1' },
          clinicalStatus: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'gone' }],
          },
        },
        'AllergyIntolerance.clinicalStatus.coding[0].code',
        'AllergyIntoleranceClinicalStatus',
      ],
    ];

    it.each(cases)('%s', (_name, resource, expression, valueSetName) => {
      const issues = validateFhirResource(resource as Resource);
      expect(issues).toEqual([
        { severity: 'error', code: 'code-invalid', expression, text: expect.stringContaining(valueSetName) },
      ]);
    });

    it('rebases the expression under the Bundle entry and names the element, not the value', () => {
      const issues = validateFhirResource(
        {
          resourceType: 'Patient',
          contact: [{ name: { family: 'Synthetic' }, gender: 'Secret-Text' }],
        } as unknown as Resource,
        'Bundle.entry[2].resource',
      );
      expect(issues).toEqual([
        {
          severity: 'error',
          code: 'code-invalid',
          expression: 'Bundle.entry[2].resource.contact[0].gender',
          text: 'The code of Patient.contact.gender is not in the required value set AdministrativeGender (http://hl7.org/fhir/ValueSet/administrative-gender)',
        },
      ]);
      expect(JSON.stringify(issues)).not.toContain('Secret-Text');
    });

    it('checks resources nested in a Bundle and in contained', () => {
      const bundle = {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [
          { resource: { resourceType: 'Patient', gender: 'male' } },
          { resource: { resourceType: 'Patient', contained: [{ resourceType: 'Practitioner', gender: 'nope' }] } },
        ],
      };
      expect(validateFhirResource(bundle as Resource).map((issue) => issue.expression)).toEqual([
        'Bundle.entry[1].resource.contained[0].gender',
      ]);
    });

    it('accepts codings of systems the value set does not draw from (translations) and text-only concepts', () => {
      const allergy = {
        resourceType: 'AllergyIntolerance',
        patient: { reference: 'Patient/p1' },
        clinicalStatus: { coding: [{ system: 'http://example.org/local', code: 'gone' }] },
        verificationStatus: { text: 'confirmed' },
      };
      expect(validateFhirResource(allergy as Resource)).toEqual([]);
    });
  });

  describe('expands value sets locally', () => {
    it('lists the codes of a whole code system, nested concepts included', () => {
      expect(
        [...(expandValueSet('http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1')?.values() ?? [])].map((codes) =>
          [...codes].sort(),
        ),
      ).toEqual([['female', 'male', 'other', 'unknown']]);
      // v3 RoleCode nests its concepts several levels deep; 'MTH' (mother) is not a top-level concept.
      const roles = expandValueSet('http://terminology.hl7.org/ValueSet/v3-RoleCode');
      expect(roles?.get('http://terminology.hl7.org/CodeSystem/v3-RoleCode')?.has('MTH')).toBe(true);
    });

    it('skips value sets drawing on external systems or filters', () => {
      expect(expandValueSet('http://hl7.org/fhir/ValueSet/ucum-units')).toBeUndefined();
      expect(expandValueSet('http://hl7.org/fhir/ValueSet/all-languages')).toBeUndefined();
      expect(expandValueSet('http://hl7.org/fhir/ValueSet/no-such-value-set')).toBeUndefined();
    });
  });
});
