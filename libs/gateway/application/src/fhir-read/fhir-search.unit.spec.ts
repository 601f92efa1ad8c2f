import type { Resource } from '@medplum/fhirtypes';
import { FhirRequestError } from '../fhir/operation-outcome';
import { validateFhirResource } from '../fhir/structure-validation';
import { parseFhirSearch, searchsetBundle } from './fhir-search';

const BASE = 'https://gateway.example.test/fhir/R4';

function refusal(run: () => unknown): { status: number; texts: string[] } {
  try {
    run();
  } catch (error) {
    if (error instanceof FhirRequestError)
      return { status: error.status, texts: error.issues.map((issue) => issue.text) };
    throw error;
  }
  throw new Error('expected the search to be refused');
}

describe('FHIR search parameters (handling=strict)', () => {
  it('takes a Patient reference or a bare id for patient, a Patient reference for subject and member, and pages of 20 by default', () => {
    expect(parseFhirSearch('Observation', { patient: 'Patient/ehr-42' })).toEqual({
      by: { name: 'patient', reference: 'Patient/ehr-42' },
      count: 20,
      offset: 0,
    });
    expect(parseFhirSearch('Flag', { patient: 'ehr-42', _count: '5', _offset: '10' })).toEqual({
      by: { name: 'patient', reference: 'Patient/ehr-42' },
      count: 5,
      offset: 10,
    });
    expect(parseFhirSearch('Task', { subject: 'Patient/ehr-42' }).by).toEqual({
      name: 'subject',
      reference: 'Patient/ehr-42',
    });
    expect(parseFhirSearch('Group', { member: 'Patient/ehr-42' }).by).toEqual({
      name: 'member',
      reference: 'Patient/ehr-42',
    });
    expect(parseFhirSearch('Communication', { patient: 'Patient/ehr-42', _count: '1000' }).count).toBe(100);
  });

  it('refuses unknown parameters and modifiers by name, and parameters the type does not define', () => {
    expect(
      refusal(() => parseFhirSearch('Observation', { patient: 'Patient/p1', code: 'http://loinc.org|44261-6' })),
    ).toEqual({ status: 400, texts: [expect.stringContaining("Unknown search parameter 'code' for Observation")] });
    expect(refusal(() => parseFhirSearch('Observation', { 'patient:identifier': 'x|y' })).texts[0]).toContain(
      "'patient:identifier'",
    );
    expect(refusal(() => parseFhirSearch('DetectedIssue', { subject: 'Patient/p1' })).texts[0]).toContain(
      "Unknown search parameter 'subject'",
    );
    expect(refusal(() => parseFhirSearch('Group', { patient: 'Patient/p1' })).status).toBe(400);
  });

  it('needs exactly one patient, once, as a Patient reference, and whole numbers for paging; never echoes a value', () => {
    expect(refusal(() => parseFhirSearch('Observation', {})).texts).toEqual([
      'Searching Observation needs exactly one patient, given by one of: patient, subject',
    ]);
    expect(refusal(() => parseFhirSearch('Observation', { patient: 'Patient/p1', subject: 'Patient/p1' })).status).toBe(
      400,
    );
    expect(refusal(() => parseFhirSearch('Observation', { patient: ['Patient/p1', 'Patient/p2'] })).texts).toContain(
      "Search parameter 'patient' is given more than once",
    );
    expect(refusal(() => parseFhirSearch('Communication', { subject: 'Group/grp.x' })).texts).toEqual([
      "Search parameter 'subject' must be a Patient reference: Patient/<id>",
    ]);
    const secret = 'Doe, Jane 1970-01-01';
    const refused = refusal(() => parseFhirSearch('Appointment', { patient: secret, _count: '-1', _offset: 'x' }));
    expect(refused.texts).toHaveLength(3);
    expect(refused.texts.join(' ')).not.toContain('Jane');
  });
});

describe('searchset Bundles', () => {
  const resources: Resource[] = Array.from({ length: 45 }, (_, index) => ({
    resourceType: 'Flag',
    id: `f${index}`,
    status: 'active',
    code: { text: 'x' },
    subject: { reference: 'Patient/p1' },
  }));
  const search = (count: number, offset: number) => ({
    by: { name: 'patient', reference: 'Patient/p1' },
    count,
    offset,
  });

  it('counts every match in total and links self, next and previous with the parameters applied', () => {
    const bundle = searchsetBundle(BASE, 'Flag', search(20, 20), resources);
    expect(validateFhirResource(bundle)).toEqual([]);
    expect(bundle.total).toBe(45);
    expect(bundle.entry?.map((entry) => entry.resource?.id)).toEqual(
      resources.slice(20, 40).map((resource) => resource.id),
    );
    expect(bundle.entry?.[0]).toMatchObject({ fullUrl: `${BASE}/Flag/f20`, search: { mode: 'match' } });
    expect(bundle.link).toEqual([
      { relation: 'self', url: `${BASE}/Flag?patient=Patient%2Fp1&_count=20&_offset=20` },
      { relation: 'next', url: `${BASE}/Flag?patient=Patient%2Fp1&_count=20&_offset=40` },
      { relation: 'previous', url: `${BASE}/Flag?patient=Patient%2Fp1&_count=20&_offset=0` },
    ]);
    expect(searchsetBundle(BASE, 'Flag', search(20, 40), resources).link?.map((link) => link.relation)).toEqual([
      'self',
      'previous',
    ]);
  });

  it('an empty page has no entry (FHIR allows no empty arrays); _count=0 answers the total only', () => {
    const empty = searchsetBundle(BASE, 'Flag', search(20, 0), []);
    expect(validateFhirResource(empty)).toEqual([]);
    expect(empty).toEqual({
      resourceType: 'Bundle',
      type: 'searchset',
      total: 0,
      link: [{ relation: 'self', url: `${BASE}/Flag?patient=Patient%2Fp1&_count=20&_offset=0` }],
    });
    expect(searchsetBundle(BASE, 'Flag', search(0, 0), resources)).toMatchObject({
      total: 45,
      link: [{ relation: 'self' }],
    });
    expect(searchsetBundle(BASE, 'Flag', search(0, 0), resources).entry).toBeUndefined();
  });
});
