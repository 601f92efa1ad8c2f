/** SMART v2 interactions: create, read, update, delete, search. */
export type Interaction = 'c' | 'r' | 'u' | 'd' | 's';

export interface ScopeGrant {
  resourceType: string; // '*' for any
  interactions: ReadonlySet<Interaction>;
}

const SCOPE = /^system\/(\*|[A-Z][A-Za-z]+)\.(\*|read|write|c?r?u?d?s?)$/;

/**
 * `system/<Type|*>.<cruds>` (SMART v2) and `system/<Type|*>.<read|write|*>` (v1). Anything else in the
 * string (e.g. `launch`, `openid`) grants nothing here.
 */
export function parseScopes(scope: string): ScopeGrant[] {
  return scope
    .split(/\s+/)
    .filter(Boolean)
    .flatMap((token) => {
      const match = SCOPE.exec(token);
      if (!match || match[2] === '') return [];
      const [, resourceType = '*', permission = ''] = match;
      const interactions: Interaction[] =
        permission === '*'
          ? ['c', 'r', 'u', 'd', 's']
          : permission === 'read'
            ? ['r', 's']
            : permission === 'write'
              ? ['c', 'u', 'd']
              : ([...permission] as Interaction[]);
      return [{ resourceType, interactions: new Set(interactions) }];
    });
}

export function scopeAllows(grants: readonly ScopeGrant[], resourceType: string, interaction: Interaction): boolean {
  return grants.some(
    (grant) =>
      (grant.resourceType === '*' || grant.resourceType === resourceType) && grant.interactions.has(interaction),
  );
}

/** The scopes of `requested` that `allowed` covers: a client gets at most what it was registered for. */
export function narrowScopes(requested: string, allowed: string): string {
  const grants = parseScopes(allowed);
  return requested
    .split(/\s+/)
    .filter((token) => {
      const [asked] = parseScopes(token);
      return (
        asked !== undefined &&
        [...asked.interactions].every((interaction) =>
          scopeAllows(grants, asked.resourceType === '*' ? '*' : asked.resourceType, interaction),
        ) &&
        (asked.resourceType !== '*' || grants.some((grant) => grant.resourceType === '*'))
      );
    })
    .join(' ');
}

export interface Principal {
  clientId: string;
  scope: string;
}

export function principalAllows(principal: Principal, resourceType: string, interaction: Interaction): boolean {
  return scopeAllows(parseScopes(principal.scope), resourceType, interaction);
}
