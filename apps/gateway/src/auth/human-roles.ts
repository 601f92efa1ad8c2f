/** The roles of people signing in (dev IdP or the configured OIDC issuer); admins read the audit trail. */
export type HumanRole = 'facilitator' | 'clinician' | 'programme-lead' | 'admin';
export const HUMAN_ROLES: readonly HumanRole[] = ['facilitator', 'clinician', 'programme-lead', 'admin'];

/** Claim carrying the CareCircle role in ID and access tokens (ours and a configured issuer's); the services read the same one. */
export { ROLE_CLAIM } from '@carecircle/platform/service-kit';

export function isHumanRole(value: unknown): value is HumanRole {
  return HUMAN_ROLES.includes(value as HumanRole);
}
