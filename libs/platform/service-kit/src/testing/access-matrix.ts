import type { LocalTokenIssuer } from '../auth/local-token-issuer';

/**
 * The callers of a service's access matrix test. The "other" clinician and facilitator relate to the
 * other member (or group) exactly as the first ones relate to the own one; `rightScope` is an integration
 * client with the scope a route needs, `wrongScope` one with unrelated scopes.
 */
export const MATRIX_PEOPLE = {
  careTeam: ['clin_acc_team_01', 'clinician'],
  otherClinician: ['clin_acc_other_01', 'clinician'],
  facilitator: ['fac_acc_own_01', 'facilitator'],
  otherFacilitator: ['fac_acc_other_01', 'facilitator'],
  lead: ['lead_acc_01', 'programme-lead'],
  admin: ['adm_acc_01', 'admin'],
} as const;

export type MatrixCaller = keyof typeof MATRIX_PEOPLE | 'rightScope' | 'wrongScope';

export const MATRIX_CALLERS: readonly MatrixCaller[] = [
  ...(Object.keys(MATRIX_PEOPLE) as (keyof typeof MATRIX_PEOPLE)[]),
  'rightScope',
  'wrongScope',
];

/** Who relates to the other member as `who` relates to the own one. */
export const MATRIX_MIRROR: Partial<Record<MatrixCaller, MatrixCaller>> = {
  careTeam: 'otherClinician',
  otherClinician: 'careTeam',
  facilitator: 'otherFacilitator',
  otherFacilitator: 'facilitator',
};

/** A token for a matrix caller, for the service's audience unless another is named; `scope` is what `rightScope` gets. */
export function matrixTokens(issuer: () => LocalTokenIssuer, audience: string) {
  return (
    who: MatrixCaller,
    scope: string,
    options: { audience?: string; expiresIn?: number } = {},
  ): Promise<string> => {
    const opts = {
      audience: options.audience ?? audience,
      ...(options.expiresIn === undefined ? {} : { expiresIn: options.expiresIn }),
    };
    if (who === 'rightScope') return issuer().sign('ehr_acc_client', { scope }, opts);
    if (who === 'wrongScope')
      return issuer().sign('ehr_acc_client', { scope: 'system/Patient.rs system/Communication.cruds' }, opts);
    const [sub, role] = MATRIX_PEOPLE[who];
    return issuer().sign(sub, { carecircle_role: role }, opts);
  };
}

/** One HTTP call with a bearer token (and a JSON body when given), against the base URL known at call time. */
export function bearerRequests(baseUrl: () => string) {
  return (method: string, path: string, bearer: string, body?: unknown): Promise<Response> =>
    fetch(`${baseUrl()}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
}

export type MatrixSide = 'own' | 'other';

/** One route of a service's access matrix: who may call it (for the own member or group) and what it answers then. */
export interface MatrixRoute {
  name: string;
  /** The SMART scope an integration client needs here. */
  scope: string;
  allowed: readonly MatrixCaller[];
  /** What the handler answers once access is granted. */
  status: number;
  call(side: MatrixSide, token: string): Promise<Response>;
}

/**
 * Calls every route as every caller, for the own and the other member (or group), and lists what the
 * policy expects beside what was answered, one line per call, so a failure names each wrong cell.
 */
export async function matrixAnswers(
  routes: readonly MatrixRoute[],
  token: (who: MatrixCaller, scope: string) => Promise<string>,
): Promise<{ expected: string[]; actual: string[] }> {
  const expected: string[] = [];
  const actual: string[] = [];
  for (const route of routes) {
    for (const who of MATRIX_CALLERS) {
      for (const side of ['own', 'other'] as const) {
        const allowed = route.allowed.includes(side === 'own' ? who : (MATRIX_MIRROR[who] ?? who));
        expected.push(`${route.name} ${who} ${side}: ${allowed ? route.status : 403}`);
        actual.push(`${route.name} ${who} ${side}: ${(await route.call(side, await token(who, route.scope))).status}`);
      }
    }
  }
  return { expected, actual };
}
