import { parseScopes, type ScopeGrant } from './smart-scopes';

/** The roles of people signing in; the claim `carecircle_role` carries one. */
export type PersonRole = 'clinician' | 'facilitator' | 'programme-lead' | 'admin';
export const PERSON_ROLES: readonly PersonRole[] = ['clinician', 'facilitator', 'programme-lead', 'admin'];

/** The `sub` of tokens the gateway mints for itself (not on behalf of anyone). */
export const GATEWAY_SUBJECT = 'carecircle-gateway';

/**
 * Who acts. People are known by their pseudonymous staff id (`clin_…`, `fac_…`: the gateway maps an EHR
 * `fhirUser` to it before any service sees the token); integration clients by their SMART client id and
 * scopes; the gateway by itself.
 */
export type Principal =
  | { kind: 'person'; role: PersonRole; id: string }
  | { kind: 'system'; clientId: string; scopes: readonly ScopeGrant[] }
  | { kind: 'gateway' };

export function isPersonRole(value: unknown): value is PersonRole {
  return PERSON_ROLES.includes(value as PersonRole);
}

/**
 * The principal of a verified token's claims, or undefined when they name none (a person's token
 * without a known role, a client's token without scopes): such a token is refused, never guessed at.
 */
export function principalOf(claims: {
  sub: string;
  role?: string | undefined;
  scope?: string | undefined;
}): Principal | undefined {
  if (claims.role !== undefined)
    return isPersonRole(claims.role) ? { kind: 'person', role: claims.role, id: claims.sub } : undefined;
  if (claims.sub === GATEWAY_SUBJECT) return { kind: 'gateway' };
  if (claims.scope !== undefined) return { kind: 'system', clientId: claims.sub, scopes: parseScopes(claims.scope) };
  return undefined;
}

/** Who a principal is in an audit record: a staff id, a client id or the gateway; never a name. */
export function agentOf(principal: Principal | undefined): string {
  if (!principal) return 'anonymous';
  switch (principal.kind) {
    case 'person':
      return principal.id;
    case 'system':
      return principal.clientId;
    case 'gateway':
      return GATEWAY_SUBJECT;
  }
}
