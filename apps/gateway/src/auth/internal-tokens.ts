import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { decodeJwt } from 'jose';
import { serviceAudience } from '@carecircle/platform/service-kit';
import { GATEWAY_AUTH, type GatewayAuth } from './gateway-auth';
import { GatewayAuthenticator, type Caller } from './gateway-authenticator';

/** The services behind the gateway, by the name their tokens' audience carries. */
export const SERVICES_BEHIND_GATEWAY = ['enrollment', 'scheduling', 'clinician-liaison', 'outcomes'] as const;
export type ServiceBehindGateway = (typeof SERVICES_BEHIND_GATEWAY)[number];
export const SERVICE_AUDIENCES: readonly string[] = SERVICES_BEHIND_GATEWAY.map(serviceAudience);

/**
 * The one identity mapping for calls the gateway makes on someone's behalf: the authenticated caller
 * (a person known by their staff id, `fhirUser` already mapped; or a SMART client with its scopes)
 * becomes a one-minute token for exactly one service. The caller's own token never leaves the gateway.
 */
@Injectable()
export class InternalTokens {
  constructor(
    @Inject(GATEWAY_AUTH) private readonly auth: GatewayAuth,
    private readonly authenticator: GatewayAuthenticator,
  ) {}

  /** A token for `service` on behalf of whoever presented the request's bearer token, or undefined if nobody valid did. */
  async forRequest(request: Request, service: ServiceBehindGateway): Promise<string | undefined> {
    const token = /^Bearer (\S+)$/i.exec(request.header('authorization') ?? '')?.[1];
    if (!token) return undefined;
    // The request's own answer: an EHR's CDS Hooks JWT is single-use and valid only for its URL.
    const caller = await this.authenticator.authenticate(request);
    if (!caller) return undefined;
    const notAfter = caller.kind === 'system' && caller.expiresAt ? caller.expiresAt : expiryOf(token);
    return (await this.forCaller(caller, serviceAudience(service), notAfter)).token;
  }

  forCaller(caller: Caller, audience: string, notAfter?: Date): Promise<{ token: string; expiresIn: number }> {
    const subject =
      caller.kind === 'human' ? { sub: caller.id, role: caller.role } : { sub: caller.id, scope: caller.scope };
    return this.auth.tokens.mintForService(audience, subject, notAfter);
  }
}

/** The `exp` of a token already verified, so that an exchanged token never outlives it. */
export function expiryOf(token: string): Date | undefined {
  const exp = decodeJwt(token).exp;
  return typeof exp === 'number' ? new Date(exp * 1000) : undefined;
}
