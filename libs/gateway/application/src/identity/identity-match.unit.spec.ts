import { matchPatientIdentity } from './identity-match';

describe('matchPatientIdentity', () => {
  const none = new Map<string, string>();

  it('makes a new member when no key is known, and finds the one member all known keys point at', () => {
    expect(matchPatientIdentity('p1', [], none)).toEqual({ outcome: 'new' });
    const matches = [
      { key: 'Patient/p1', memberId: 'mbr_a' },
      { key: 'urn:mrn|1', memberId: 'mbr_a' },
    ];
    expect(matchPatientIdentity('p1', matches, new Map([['mbr_a', 'p1']]))).toEqual({
      outcome: 'existing',
      memberId: 'mbr_a',
    });
  });

  it('attaches an EHR id to a member known by identifier only, and a Patient without id to the member of its identifier', () => {
    expect(matchPatientIdentity('p1', [{ key: 'urn:mrn|1', memberId: 'mbr_a' }], none)).toEqual({
      outcome: 'existing',
      memberId: 'mbr_a',
    });
    expect(
      matchPatientIdentity(undefined, [{ key: 'urn:mrn|1', memberId: 'mbr_a' }], new Map([['mbr_a', 'p1']])),
    ).toEqual({ outcome: 'existing', memberId: 'mbr_a' });
  });

  it('refuses a second EHR patient who shares an identifier with a member: never a merge', () => {
    expect(matchPatientIdentity('p2', [{ key: 'urn:mrn|1', memberId: 'mbr_a' }], new Map([['mbr_a', 'p1']]))).toEqual({
      outcome: 'conflict',
      reason: 'identifier-of-another-patient',
      memberIds: ['mbr_a'],
      conflictingKeys: ['urn:mrn|1'],
    });
  });

  it('refuses keys that point at two members, naming the keys that are not the Patient id own member', () => {
    const matches = [
      { key: 'Patient/p1', memberId: 'mbr_b' },
      { key: 'urn:mrn|1', memberId: 'mbr_a' },
      { key: 'urn:ssn|2', memberId: 'mbr_b' },
    ];
    expect(matchPatientIdentity('p1', matches, new Map([['mbr_b', 'p1']]))).toEqual({
      outcome: 'conflict',
      reason: 'identifiers-of-several-members',
      memberIds: ['mbr_a', 'mbr_b'],
      conflictingKeys: ['urn:mrn|1'],
    });
    const withoutId = matchPatientIdentity(undefined, matches.slice(1), none);
    expect(withoutId).toMatchObject({
      outcome: 'conflict',
      memberIds: ['mbr_a', 'mbr_b'],
      conflictingKeys: ['urn:mrn|1', 'urn:ssn|2'],
    });
  });
});
