import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServicesStandIn {
  /** The gateway's environment for a console run against it: every service URL, the development sign-in. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * One HTTP server standing in for every service behind the care console: `answer` gives each request's
 * status and JSON body. The gateway under test is pointed at it through `env`.
 */
export async function startServicesStandIn(
  answer: (
    request: IncomingMessage,
  ) => Promise<{ status?: number; body: unknown }> | { status?: number; body: unknown },
): Promise<ServicesStandIn> {
  const server = createServer((req, res) => {
    void Promise.resolve(answer(req)).then(({ status, body }) => {
      res.statusCode = status ?? 200;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    env: {
      GATEWAY_DEV_IDP: 'true',
      GATEWAY_RATE_LIMIT_BURST: '10000',
      ...Object.fromEntries(
        ['CLINICIAN_LIAISON_URL', 'SCHEDULING_URL', 'OUTCOMES_URL', 'ENROLLMENT_URL'].map((name) => [name, url]),
      ),
    },
    stop: () => {
      server.closeAllConnections(); // the gateway's keep-alive connections would hold close() open
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** One line of liaison's medication list (`GET /api/liaison/members/:id/medications`): sertraline 50 mg, started by `prescriberId`. */
export function liaisonMedication(medicationId: string, prescriberId: string, startedAt: string) {
  return {
    medicationId,
    name: 'sertraline',
    ingredient: 'sertraline',
    rxnormCode: '36437',
    dailyDose: 50,
    doseUnit: 'mg',
    route: 'oral',
    frequency: 'daily',
    classes: ['ssri'],
    prescriberId,
    status: 'active',
    startedAt,
    changedAt: startedAt,
  };
}
