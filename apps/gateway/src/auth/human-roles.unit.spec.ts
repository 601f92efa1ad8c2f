import { roleFromClaims } from './human-roles';

describe('roleFromClaims: a person’s role from the configured claim', () => {
  it('reads the CareCircle role claim by default, and only a role name', () => {
    expect(roleFromClaims({ carecircle_role: 'clinician' }, { claim: 'carecircle_role' })).toBe('clinician');
    expect(roleFromClaims({ carecircle_role: 'superuser' }, { claim: 'carecircle_role' })).toBeUndefined();
    expect(roleFromClaims({}, { claim: 'carecircle_role' })).toBeUndefined();
  });

  it('maps the provider’s group names through a dot path, ignoring values it does not know', () => {
    const mapping = {
      claim: 'realm_access.roles',
      values: { 'cc-lead': 'programme-lead', 'cc-psy': 'clinician' },
    } as const;
    expect(roleFromClaims({ realm_access: { roles: ['offline_access', 'cc-lead'] } }, mapping)).toBe('programme-lead');
    // With a map, a bare role name is no role: only what the operator mapped counts.
    expect(roleFromClaims({ realm_access: { roles: ['admin'] } }, mapping)).toBeUndefined();
    expect(roleFromClaims({ realm_access: 'cc-psy' }, mapping)).toBeUndefined();
  });

  it('gives no role when the values name two roles, or inherited object keys', () => {
    const mapping = { claim: 'groups', values: { a: 'clinician', b: 'admin' } } as const;
    expect(roleFromClaims({ groups: ['a', 'b'] }, mapping)).toBeUndefined();
    expect(roleFromClaims({ groups: ['constructor', 'toString'] }, mapping)).toBeUndefined();
    expect(roleFromClaims({ groups: ['a', 'a'] }, mapping)).toBe('clinician');
  });
});
