import { fhirInputIssues, isFhirId, isValidPatientReference } from './fhir-input-rules';

describe('FHIR input rules', () => {
  it('holds ids to the FHIR id rule', () => {
    for (const id of ['a', 'A-1.b', 'x'.repeat(64), '123']) expect(isFhirId(id)).toBe(true);
    for (const id of ['', 'x'.repeat(65), 'has space', 'a/b', 'é', 'a_b', '../x', 42, null])
      expect(isFhirId(id)).toBe(false);
  });

  it('judges the id of literal Patient references only', () => {
    expect(isValidPatientReference('Patient/p-1')).toBe(true);
    expect(isValidPatientReference('Patient/p-1/_history/2')).toBe(true);
    expect(isValidPatientReference('urn:uuid:8f1e0000-0000-4000-8000-000000000000')).toBe(true);
    expect(isValidPatientReference('Patient?identifier=urn:mrn|1')).toBe(true);
    for (const reference of [
      'Patient/',
      'Patient/Jane Doe',
      'Patient/a/b',
      'Patient/a/_history/',
      `Patient/${'x'.repeat(65)}`,
    ]) {
      expect(isValidPatientReference(reference)).toBe(false);
    }
  });

  it('names bad ids and prototype keys by FHIRPath, never by value', () => {
    const resource = JSON.parse(
      '{"resourceType":"Patient","id":"Jane Doe","contained":[{"resourceType":"Medication","id":"ok"},{"id":"bad id"}],"name":[{"__proto__":{"x":1}}],"extension":[{"constructor":1}]}',
    );
    const issues = fhirInputIssues(resource, 'Bundle.entry[0].resource');
    expect(issues.map((issue) => [issue.code, issue.expression])).toEqual([
      ['value', 'Bundle.entry[0].resource.id'],
      ['value', 'Bundle.entry[0].resource.contained[1].id'],
      ['structure', 'Bundle.entry[0].resource.name[0]'],
      ['structure', 'Bundle.entry[0].resource.extension[0]'],
    ]);
    expect(JSON.stringify(issues)).not.toContain('Jane');
    expect(fhirInputIssues({ resourceType: 'Patient', id: 'p1', name: [{ family: 'x' }] }, 'Patient')).toEqual([]);
  });

  it('refuses empty objects and arrays, which the structure validation takes for absent', () => {
    const issues = fhirInputIssues(
      { resourceType: 'Observation', identifier: {}, subject: { reference: [] }, note: [{ text: 'x' }] },
      'Observation',
    );
    expect(issues.map((issue) => [issue.code, issue.expression])).toEqual([
      ['structure', 'Observation.identifier'],
      ['structure', 'Observation.subject.reference'],
    ]);
  });
});
