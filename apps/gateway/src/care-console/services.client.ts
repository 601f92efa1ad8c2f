import { HttpException, Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { consoleErrorOf } from '@carecircle/gateway/application';
import { InternalTokens, type ServiceBehindGateway } from '../auth/internal-tokens';
import { CARE_CONSOLE_DEPS, type CareConsoleDeps } from './care-console.deps';

export type Service = keyof CareConsoleDeps['services'];

const SERVICE_NAMES: Record<Service, ServiceBehindGateway> = {
  scheduling: 'scheduling',
  clinicianLiaison: 'clinician-liaison',
  outcomes: 'outcomes',
  enrollment: 'enrollment',
};
const OPAQUE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface ServiceCall {
  method?: 'GET' | 'POST' | 'PUT';
  body?: unknown;
  /** Extra headers (e.g. liaison's X-Clinician-Id for the acting person). */
  headers?: Record<string, string>;
  /** Answer with the raw text instead of JSON (CSV). */
  text?: boolean;
}

/**
 * Calls the services on the caller's behalf with a one-minute token for that service alone (the
 * caller's identity, mapped once; their own token stays here) and their correlation id; each service
 * decides access again itself. A refusal keeps its 4xx and explanation, a failure is a 502.
 * Only ever called after the console's own access decision allowed the request.
 */
@Injectable()
export class ServicesClient {
  constructor(
    @Inject(CARE_CONSOLE_DEPS) private readonly deps: CareConsoleDeps,
    private readonly tokens: InternalTokens,
  ) {}

  async call<T>(request: Request, service: Service, path: string, call: ServiceCall = {}): Promise<T> {
    const correlation = request.header('x-correlation-id');
    const token = await this.tokens.forRequest(request, SERVICE_NAMES[service]);
    const authorization = token ? `Bearer ${token}` : undefined;
    const headers: Record<string, string> = {
      accept: call.text ? 'text/csv' : 'application/json',
      'x-correlation-id': correlation && OPAQUE_ID.test(correlation) ? correlation : randomUUID(),
      ...(authorization ? { authorization } : {}),
      ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...call.headers,
    };
    let response: Response;
    try {
      response = await fetch(`${this.deps.services[service]}${path}`, {
        method: call.method ?? 'GET',
        headers,
        ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
        signal: AbortSignal.timeout(this.deps.upstreamTimeoutMs),
      });
    } catch {
      const failed = consoleErrorOf(SERVICE_NAMES[service], undefined, undefined);
      throw new HttpException(failed.message, failed.status);
    }
    const text = await response.text();
    if (!response.ok) {
      const refused = consoleErrorOf(SERVICE_NAMES[service], response.status, parse(text));
      throw new HttpException(refused.message, refused.status);
    }
    return (call.text ? text : parse(text)) as T;
  }
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
