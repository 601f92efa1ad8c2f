/** The roles of people signing in (dev IdP or the configured OIDC issuer); admins read the audit trail. */
export type HumanRole = 'facilitator' | 'clinician' | 'programme-lead' | 'admin';
export const HUMAN_ROLES: readonly HumanRole[] = ['facilitator', 'clinician', 'programme-lead', 'admin'];

/** Claim carrying the CareCircle role in ID and access tokens (ours and a configured issuer's); the services read the same one. */
export { ROLE_CLAIM } from '@carecircle/platform/service-kit';

export function isHumanRole(value: unknown): value is HumanRole {
  return HUMAN_ROLES.includes(value as HumanRole);
}

/**
 * Which claim of a person's token names their role, and how its values read as CareCircle roles
 * (`GATEWAY_OIDC_ROLE_CLAIM`, `GATEWAY_OIDC_ROLE_MAP`); without `values` a value must be a role name.
 */
export interface RoleMapping {
  claim: string;
  values?: Readonly<Record<string, HumanRole>>;
}

export const DEFAULT_ROLE_MAPPING: RoleMapping = { claim: 'carecircle_role' };

/**
 * The one CareCircle role a token's claims give, or undefined. The claim (a dot path) may hold a string
 * or an array of strings; values that map to two different roles give none: a person acts in one role,
 * and an ambiguous token fails closed rather than taking the wider one.
 */
export function roleFromClaims(claims: Readonly<Record<string, unknown>>, mapping: RoleMapping): HumanRole | undefined {
  let value: unknown = claims;
  for (const key of mapping.claim.split('.')) {
    value =
      value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, key)
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  const values = (Array.isArray(value) ? value : [value]).filter((entry): entry is string => typeof entry === 'string');
  const roles = new Set(
    values
      .map((entry) =>
        mapping.values
          ? Object.hasOwn(mapping.values, entry)
            ? mapping.values[entry]
            : undefined
          : isHumanRole(entry)
            ? entry
            : undefined,
      )
      .filter((role) => role !== undefined),
  );
  return roles.size === 1 ? [...roles][0] : undefined;
}
