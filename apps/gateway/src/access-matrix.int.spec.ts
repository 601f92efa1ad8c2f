import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { startLocalTokenIssuer, type LocalTokenIssuer } from '@carecircle/platform/service-kit';
import { SEEDED, seedMemberAccess } from './auth/testing/seed-member-access';
import { FHIR_JSON_TYPE, startGatewayHarness, type GatewayHarness } from './testing/gateway-harness';

/**
 * Who may do what, route by route: every role against every route that carries clinical data, with
 * the expected status, and an audit record for every denial. A new route is one row of ROUTES.
 */

const ROLES = [
  'anonymous',
  'facilitator of the member’s group',
  'facilitator of another group',
  'clinician on the care team',
  'clinician not on it',
  'programme lead',
  'admin',
  'SMART client with the scope',
  'SMART client without it',
] as const;
type Role = (typeof ROLES)[number];

interface Call {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: unknown;
  contentType?: string;
}

interface RouteRow {
  route: string;
  call: Call;
  /** The SMART scope the route needs (what "the scope" means for the client rows). */
  scope?: string;
  /** Status per role that gets through; every other role gets 403, anonymous 401, each audited. */
  allowed?: Partial<Record<Role, number>>;
  /** Open to anyone, token or not (health, discovery): the status everyone gets. */
  open?: number;
  /** Roles whose allowed answer must not name the member's drug (facilitators without consent to share). */
  withoutDrugNames?: Role[];
  /** A stream: only the status is read, then the connection is closed. */
  stream?: boolean;
}

/** A scope no route needs: the client is known and its token valid, it just may not do this. */
const UNRELATED_SCOPE = 'system/Endpoint.r';
/** All a SMART client can be granted. */
const EVERYTHING = 'system/*.cruds';

const PATIENT = {
  resourceType: 'Patient',
  id: 'ehr-matrix-1',
  identifier: [{ system: 'urn:mrn', value: 'MRN-MATRIX-1' }],
  name: [{ family: 'Synthetic', given: ['Matrix'] }],
};
const TRANSACTION = {
  resourceType: 'Bundle',
  type: 'transaction',
  entry: [
    {
      fullUrl: 'urn:uuid:5f7c3a1e-8d2b-4c6a-9e0f-1a2b3c4d5e6f',
      resource: { ...PATIENT, id: 'ehr-matrix-2', identifier: [{ system: 'urn:mrn', value: 'MRN-MATRIX-2' }] },
      request: { method: 'PUT', url: 'Patient/ehr-matrix-2' },
    },
  ],
};
const CDS_CALL = {
  hook: 'patient-view',
  hookInstance: 'matrix-1',
  context: { userId: 'Practitioner/p1', patientId: 'ehr-unknown-patient' },
};
/** Liaison raises one copy per recipient: the psychiatrist's names the drug, the facilitator's does not. */
const alertCopy = (recipientRole: string, recipientId: string, detail: string) => ({
  alertId: `5b0e8d9c-3c61-4f0a-9d5e-7a1b2c3d4e0${recipientRole === 'facilitator' ? 2 : 1}`,
  memberId: SEEDED.member,
  rule: 'antidepressant-change',
  severity: 'critical',
  status: 'raised',
  recipientRole,
  recipientId,
  summary: 'Antidepressant change',
  detail,
  escalationLevel: 0,
  raisedAt: '2026-03-10T09:00:00.000Z',
});
const MEMBER_ALERTS = [
  alertCopy('attending-psychiatrist', SEEDED.clinician, `${SEEDED.drugName} started: review the group load`),
  alertCopy('facilitator', SEEDED.facilitator, 'Medication change: watch for activation'),
];
const memberReaders = { 'facilitator of the member’s group': 200, 'clinician on the care team': 200 } as const;
const timelineReaders = {
  'facilitator of the member’s group': 200,
  'clinician on the care team': 200,
  'SMART client with the scope': 200,
} as const;

const ROUTES: RouteRow[] = [
  // Open by design: health, discovery and the SMART configuration.
  { route: 'health', call: { method: 'GET', path: '/health' }, open: 200 },
  { route: 'FHIR CapabilityStatement', call: { method: 'GET', path: '/fhir/R4/metadata' }, open: 200 },
  { route: 'SMART configuration', call: { method: 'GET', path: '/.well-known/smart-configuration' }, open: 200 },
  { route: 'CDS Hooks discovery', call: { method: 'GET', path: '/cds-services' }, open: 200 },
  // Everything else needs a token, and the right one.
  {
    route: 'FHIR ingest (PUT Patient)',
    call: { method: 'PUT', path: `/fhir/R4/Patient/${PATIENT.id}`, body: PATIENT, contentType: FHIR_JSON_TYPE },
    scope: 'system/Patient.cu',
    allowed: { 'SMART client with the scope': 200 },
  },
  {
    route: 'FHIR ingest (POST transaction Bundle)',
    call: { method: 'POST', path: '/fhir/R4', body: TRANSACTION, contentType: FHIR_JSON_TYPE },
    scope: 'system/Patient.cu',
    allowed: { 'SMART client with the scope': 200 },
  },
  {
    route: 'FHIR read',
    call: { method: 'GET', path: '/fhir/R4/Flag/unknown-flag' },
    scope: 'system/Flag.r',
    allowed: { 'SMART client with the scope': 404 },
  },
  {
    route: 'FHIR search',
    call: { method: 'GET', path: '/fhir/R4/Observation?patient=Patient/ehr-unknown-patient' },
    scope: 'system/Observation.s',
    allowed: { 'SMART client with the scope': 200 },
  },
  {
    route: 'AuditEvent search',
    call: { method: 'GET', path: '/admin/audit-events?_count=5' },
    scope: 'system/AuditEvent.rs',
    allowed: { admin: 200, 'SMART client with the scope': 200 },
  },
  {
    route: 'CDS Hooks service',
    call: { method: 'POST', path: '/cds-services/carecircle-open-alerts', body: CDS_CALL },
    scope: 'system/DetectedIssue.r',
    allowed: { 'SMART client with the scope': 200 },
  },
  {
    route: 'CDS Hooks feedback',
    call: { method: 'POST', path: '/cds-services/carecircle-open-alerts/feedback', body: { feedback: [] } },
    scope: 'system/DetectedIssue.u',
    allowed: { 'SMART client with the scope': 200 },
  },
  {
    route: 'member timeline',
    call: { method: 'GET', path: `/api/members/${SEEDED.member}/timeline` },
    scope: 'system/Patient.r',
    allowed: timelineReaders,
    withoutDrugNames: ['facilitator of the member’s group', 'SMART client with the scope'],
  },
  {
    route: 'member timeline stream',
    call: { method: 'GET', path: `/api/members/${SEEDED.member}/timeline/stream` },
    scope: 'system/Patient.r',
    allowed: timelineReaders,
    stream: true,
  },
  // The care console (web UI BFF): people only, each to their own; even a client granted everything over FHIR gets 403.
  {
    route: 'care console home',
    call: { method: 'GET', path: '/api/care-console/home' },
    scope: EVERYTHING,
    allowed: {
      'facilitator of the member’s group': 200,
      'facilitator of another group': 200,
      'clinician on the care team': 200,
      'clinician not on it': 200,
      'programme lead': 200,
    },
  },
  {
    route: 'care console member alerts',
    call: { method: 'GET', path: `/api/care-console/members/${SEEDED.member}/alerts` },
    scope: EVERYTHING,
    allowed: memberReaders,
    withoutDrugNames: ['facilitator of the member’s group'],
  },
  {
    // Drugs and doses: the care team only, never a facilitator (minimum necessary).
    route: 'care console member medications',
    call: { method: 'GET', path: `/api/care-console/members/${SEEDED.member}/medications` },
    scope: EVERYTHING,
    allowed: { 'clinician on the care team': 200 },
  },
  {
    route: 'care console member outcomes',
    call: { method: 'GET', path: `/api/care-console/members/${SEEDED.member}/outcomes` },
    scope: EVERYTHING,
    allowed: memberReaders,
  },
  {
    route: 'care console session attendance',
    call: { method: 'GET', path: `/api/care-console/groups/${SEEDED.group}/sessions/${SEEDED.group}-s02` },
    scope: EVERYTHING,
    allowed: { 'facilitator of the member’s group': 200 },
  },
  {
    route: 'care console group session (roster, attendance, notes)',
    call: {
      method: 'GET',
      path: `/api/care-console/groups/${SEEDED.group}/sessions/${SEEDED.group}-s02/group-session`,
    },
    scope: EVERYTHING,
    allowed: { 'facilitator of the member’s group': 200 },
  },
  {
    route: 'care console member session notes',
    call: { method: 'GET', path: `/api/care-console/members/${SEEDED.member}/session-notes` },
    scope: EVERYTHING,
    allowed: { 'clinician on the care team': 200 },
  },
  {
    route: 'care console alert acknowledgement (the psychiatrist’s copy)',
    call: {
      method: 'POST',
      path: `/api/care-console/alerts/${MEMBER_ALERTS[0]?.alertId}/acknowledgement`,
      body: { outcome: 'accepted' },
    },
    scope: EVERYTHING,
    allowed: { 'clinician on the care team': 200 },
  },
  {
    route: 'care console acute-distress report',
    call: {
      method: 'POST',
      path: `/api/care-console/members/${SEEDED.member}/distress-reports`,
      body: { groupId: SEEDED.group },
    },
    scope: EVERYTHING,
    allowed: { 'facilitator of the member’s group': 201, 'clinician on the care team': 201 },
  },
  {
    route: 'care console cohort report',
    call: { method: 'GET', path: '/api/care-console/cohort-report?instrument=phq-9' },
    scope: EVERYTHING,
    allowed: { 'programme lead': 200 },
  },
];

const HUMAN_AUDIENCE = 'carecircle-gateway';

describe('access matrix: role × route (real PostgreSQL, HTTP; people from an OIDC issuer, clients over SMART)', () => {
  let gateway: GatewayHarness | undefined;
  let issuer: LocalTokenIssuer | undefined;
  let services: Server | undefined;
  let pool: Pool | undefined;
  let base = '';
  const tokens = new Map<string, Promise<string>>();
  /** The Authorization header of each call the care console made to a service. */
  const upstreamAuthorizations: string[] = [];

  beforeAll(async () => {
    // One stand-in for the four services behind the gateway (CDS Hooks, and what the care console asks).
    services = createServer((req, res) => {
      const path = req.url?.split('?')[0] ?? '';
      if (path.startsWith('/api/')) upstreamAuthorizations.push(req.headers.authorization ?? 'none');
      const [, group = '', member = ''] =
        /^\/api\/scheduling\/groups\/([^/]+)|^\/api\/(?:liaison|outcomes)\/members\/([^/]+)/.exec(path) ?? [];
      const answer =
        path === '/cds-services'
          ? { services: [{ id: 'carecircle-open-alerts', hook: 'patient-view', description: 'stand-in' }] }
          : path.endsWith('/feedback')
            ? {}
            : path.startsWith('/cds-services/')
              ? { cards: [] }
              : path.endsWith('/roster')
                ? { groupId: group, members: [{ memberId: SEEDED.member, status: 'enrolled' }] }
                : path.endsWith('/calendar')
                  ? {
                      group: { groupId: group },
                      sessions: [
                        {
                          sessionId: `${group}-s02`,
                          startsAt: '2026-03-24T17:00:00.000Z',
                          endsAt: '2026-03-24T18:30:00.000Z',
                          status: 'held',
                          attendance: [],
                        },
                      ],
                    }
                  : path.endsWith('/notes') || path.endsWith('/session-notes')
                    ? { notes: [] }
                    : path.endsWith('/upcoming-sessions')
                      ? { sessions: [] }
                      : path.endsWith('/trajectory')
                        ? { memberId: member, instruments: [] }
                        : path.startsWith('/api/outcomes/cohort-reports')
                          ? { groups: [] }
                          : path.endsWith('/alerts') && member
                            ? MEMBER_ALERTS
                            : /^\/api\/liaison\/alerts\/[^/]+$/.test(path)
                              ? (MEMBER_ALERTS.find((alert) => path.endsWith(alert.alertId)) ?? {})
                              : req.method === 'POST'
                                ? {}
                                : [];
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer));
    });
    const standIn = services;
    await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
    issuer = await startLocalTokenIssuer();
    gateway = await startGatewayHarness({
      database: 'gateway_access_matrix',
      clients: [{ clientId: 'ehr', scope: 'system/*.cruds' }],
      env: {
        GATEWAY_OIDC_ISSUER: issuer.issuer,
        GATEWAY_OIDC_JWKS_URL: issuer.jwksUri,
        GATEWAY_OIDC_AUDIENCE: HUMAN_AUDIENCE,
        ...Object.fromEntries(
          ['CLINICIAN_LIAISON_URL', 'SCHEDULING_URL', 'OUTCOMES_URL', 'ENROLLMENT_URL'].map((name) => [
            name,
            `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`,
          ]),
        ),
        GATEWAY_RATE_LIMIT_BURST: '10000',
      },
    });
    base = gateway.base;
    await seedMemberAccess(gateway.db.url);
    pool = new Pool({ connectionString: gateway.db.url, max: 2 });
  });

  afterAll(async () => {
    await pool?.end();
    await gateway?.stop();
    await issuer?.stop();
    await new Promise((resolve) => (services ? services.close(resolve) : resolve(undefined)));
  });

  const person = (sub: string, role: string) =>
    issuer
      ? issuer.sign(sub, { carecircle_role: role }, { audience: HUMAN_AUDIENCE })
      : Promise.reject(new Error('no issuer: beforeAll failed'));
  const clientToken = (scope: string): Promise<string> => {
    const token =
      tokens.get(scope) ??
      (gateway ? gateway.accessToken('ehr', scope) : Promise.reject(new Error('no gateway: beforeAll failed')));
    tokens.set(scope, token);
    return token;
  };
  /** The role's bearer token for the row, and the agent its audit records name. */
  const credentials = async (role: Role, row: RouteRow): Promise<{ token?: string; agent: string }> => {
    switch (role) {
      case 'anonymous':
        return { agent: 'anonymous' };
      case 'facilitator of the member’s group':
        return { token: await person(SEEDED.facilitator, 'facilitator'), agent: SEEDED.facilitator };
      case 'facilitator of another group':
        return { token: await person(SEEDED.otherFacilitator, 'facilitator'), agent: SEEDED.otherFacilitator };
      case 'clinician on the care team':
        return { token: await person(SEEDED.clinician, 'clinician'), agent: SEEDED.clinician };
      case 'clinician not on it':
        return { token: await person(SEEDED.otherClinician, 'clinician'), agent: SEEDED.otherClinician };
      case 'programme lead':
        return { token: await person(SEEDED.lead, 'programme-lead'), agent: SEEDED.lead };
      case 'admin':
        return { token: await person(SEEDED.admin, 'admin'), agent: SEEDED.admin };
      case 'SMART client with the scope':
        return { token: await clientToken(row.scope ?? UNRELATED_SCOPE), agent: 'ehr' };
      case 'SMART client without it':
        return { token: await clientToken(UNRELATED_SCOPE), agent: 'ehr' };
    }
  };
  const expectedStatus = (row: RouteRow, role: Role) =>
    row.open ?? row.allowed?.[role] ?? (role === 'anonymous' ? 401 : 403);
  const denials = async (agent: string) => {
    const rows = pool
      ? (
          await pool.query<{ n: string }>(
            `SELECT coalesce(sum(count), 0) AS n FROM gateway.audit_event WHERE agent = $1 AND outcome = '4'`,
            [agent],
          )
        ).rows
      : [];
    return Number(rows[0]?.n ?? Number.NaN);
  };

  const cases = ROUTES.flatMap((row) =>
    ROLES.map((role) => [row.route, role, expectedStatus(row, role), row] as const),
  );

  it.each(cases)('%s · %s → %i', async (_route, role, status, row) => {
    const { token, agent } = await credentials(role, row);
    const deniedBefore = await denials(agent);
    const abort = new AbortController();
    const response = await fetch(`${base}${row.call.path}`, {
      method: row.call.method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(row.call.body === undefined ? {} : { 'content-type': row.call.contentType ?? 'application/json' }),
      },
      ...(row.call.body === undefined ? {} : { body: JSON.stringify(row.call.body) }),
      signal: abort.signal,
    });
    try {
      expect({ role, status: response.status }).toEqual({ role, status });
      if (status === 401 || status === 403) {
        expect(await denials(agent)).toBeGreaterThan(deniedBefore); // every denial is in the audit trail
        expect(await response.text()).not.toContain(token ?? 'no token');
      } else if (!row.stream) {
        const body = await response.text();
        if (row.withoutDrugNames?.includes(role)) expect(body).not.toMatch(new RegExp(SEEDED.drugName, 'i'));
      }
    } finally {
      abort.abort();
    }
  });

  it('passed the person’s own token to the services it asked (they verify it too)', () => {
    expect(upstreamAuthorizations.length).toBeGreaterThan(0);
    expect(upstreamAuthorizations.filter((authorization) => !authorization.startsWith('Bearer '))).toEqual([]);
  });

  it.each(['/timeline', '/alerts'])(
    'shows the care team the drug the facilitators do not see (the redaction above is real): %s',
    async (what) => {
      const path =
        what === '/timeline'
          ? `/api/members/${SEEDED.member}/timeline`
          : `/api/care-console/members/${SEEDED.member}/alerts`;
      const response = await fetch(`${base}${path}`, {
        headers: { authorization: `Bearer ${await person(SEEDED.clinician, 'clinician')}` },
      });
      expect(await response.text()).toMatch(new RegExp(SEEDED.drugName, 'i'));
    },
  );
});
