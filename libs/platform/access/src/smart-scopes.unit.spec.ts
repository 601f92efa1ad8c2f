import { narrowScopes, parseScopes, principalAllows, scopeAllows } from './smart-scopes';

describe('SMART scopes', () => {
  it.each([
    ['system/Patient.cruds', 'Patient', ['c', 'r', 'u', 'd', 's']],
    ['system/*.rs', '*', ['r', 's']],
    ['system/Observation.read', 'Observation', ['r', 's']],
    ['system/Observation.write', 'Observation', ['c', 'u', 'd']],
    ['system/Patient.*', 'Patient', ['c', 'r', 'u', 'd', 's']],
    ['system/Consent.c', 'Consent', ['c']],
  ])('parses %s (v1 and v2 syntax)', (scope, resourceType, interactions) => {
    expect(
      parseScopes(scope).map((g) => ({ resourceType: g.resourceType, interactions: [...g.interactions] })),
    ).toEqual([{ resourceType, interactions }]);
  });

  it.each([
    'openid',
    'launch',
    'patient/Patient.rs',
    'user/*.cruds',
    'system/patient.rs',
    'system/Patient.',
    'system/Patient.sr',
    'system/Patient.x',
  ])('grants nothing for %s', (scope) => {
    expect(parseScopes(scope)).toEqual([]);
  });

  it('reads a space-separated list and allows by type or wildcard', () => {
    const grants = parseScopes('  openid system/Patient.c\tsystem/*.rs ');
    expect(scopeAllows(grants, 'Patient', 'c')).toBe(true);
    expect(scopeAllows(grants, 'Observation', 'r')).toBe(true);
    expect(scopeAllows(grants, 'Observation', 'c')).toBe(false);
    expect(principalAllows({ clientId: 'c', scope: 'system/AuditEvent.rs' }, 'AuditEvent', 'r')).toBe(true);
    expect(principalAllows({ clientId: 'c', scope: 'system/AuditEvent.rs' }, 'AuditEvent', 'u')).toBe(false);
  });

  it('narrows a request to what the client was registered for', () => {
    expect(narrowScopes('system/*.cruds system/Patient.rs', 'system/*.rs')).toBe('system/Patient.rs');
    expect(narrowScopes('system/*.rs', 'system/Patient.rs')).toBe('');
    expect(narrowScopes('system/*.rs system/Patient.c', 'system/*.cruds')).toBe('system/*.rs system/Patient.c');
    expect(narrowScopes('openid system/Patient.c', 'system/Patient.cu')).toBe('system/Patient.c');
  });
});
