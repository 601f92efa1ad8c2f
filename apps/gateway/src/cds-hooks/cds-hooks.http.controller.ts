import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiCdsProxyErrors } from '../fhir-http/api-responses';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { translateCdsRequest, type AuditRecord, type Principal } from '@carecircle/gateway/application';
import { Access, Public, ApiCdsDiscovery, ApiCdsServiceCall, ApiCdsFeedback, ApiHttpError } from '@carecircle/platform/service-kit';
import { AccessGuard, auditBase, CurrentPrincipal } from '../fhir-http/access.guard';
import { FhirRequestErrorFilter } from '../fhir-http/fhir-request-error.filter';
import { RateLimitGuard } from '../fhir-http/rate-limit.guard';
import { GATEWAY_DEPS, type GatewayDeps } from '../gateway.deps';
import { InternalTokens } from '../auth/internal-tokens';

const SERVICE_ID = /^[A-Za-z0-9._-]{1,64}$/;
const DISCOVERY_TTL_MS = 60_000;

interface Upstream {
  status: number;
  body: unknown;
}

class UpstreamUnavailable extends Error {
  override readonly name = 'UpstreamUnavailable';
}

/**
 * CDS Hooks 2.0 through the gateway, answered by clinician-liaison. Discovery is open; an invocation
 * needs `system/DetectedIssue.r` (cards are the coordination findings), feedback `system/DetectedIssue.u`
 * (it acknowledges them). The EHR's `context.patientId` is mapped to the member id before forwarding;
 * an unknown patient gets empty cards, as a known one without alerts would. Invocations are audited.
 * Liaison gets a one-minute token of its own for the same client and scopes, and decides again.
 */
@ApiTags('cds-hooks')
@Controller('cds-services')
@UseFilters(FhirRequestErrorFilter)
export class CdsHooksProxyHttpController {
  private discoveryCache?: { ids: ReadonlySet<string>; at: number };

  constructor(
    @Inject(GATEWAY_DEPS) private readonly deps: GatewayDeps,
    private readonly tokens: InternalTokens,
  ) {}

  @Get()
  @Public()
  @ApiCdsDiscovery()
  @ApiHttpError(429, 'Too many requests from this address (Retry-After says when to retry).', 'Too many requests: retry after 30 s')
  async discovery(@Res() res: Response) {
    const upstream = await this.call('GET', '/cds-services').catch(unavailable);
    this.remember(upstream);
    res.status(upstream.status).json(upstream.body);
  }

  @Post(':id')
  @HttpCode(200)
  @ApiBearerAuth()
  @UseGuards(AccessGuard, RateLimitGuard)
  @Access('cds.invoke', 'service')
  @ApiCdsServiceCall()
  @ApiCdsProxyErrors()
  async invoke(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res() res: Response) {
    const audit = this.auditFor(req, principal);
    if (!SERVICE_ID.test(id)) return this.answer(res, audit, [], { status: 404, body: { error: 'No CDS service with this id' } });
    try {
      const translated = await translateCdsRequest(body, this.deps.findMember);
      switch (translated.outcome) {
        case 'invalid':
          return await this.answer(res, audit, [], { status: 400, body: { error: translated.text } });
        case 'unknown-patient':
          // Same answer as a known patient without cards; only a bogus service id is told apart.
          return await this.answer(res, audit, [], (await this.isService(id)) ? { status: 200, body: { cards: [] } } : { status: 404, body: { error: 'No CDS service with this id' } });
        case 'forward':
          return await this.answer(res, audit, [translated.memberId], await this.call('POST', `/cds-services/${encodeURIComponent(id)}`, translated.body, req));
      }
    } catch (error) {
      await this.answer(res, audit, [], unavailable(error));
    }
  }

  @Post(':id/feedback')
  @HttpCode(200)
  @ApiBearerAuth()
  @UseGuards(AccessGuard, RateLimitGuard)
  @Access('cds.feedback', 'service')
  @ApiCdsFeedback()
  @ApiCdsProxyErrors()
  async feedback(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res() res: Response) {
    const audit = this.auditFor(req, principal);
    if (!SERVICE_ID.test(id)) return this.answer(res, audit, [], { status: 404, body: { error: 'No CDS service with this id' } });
    // Feedback names cards (alert ids), never a patient: it goes through as sent.
    const upstream = await this.call('POST', `/cds-services/${encodeURIComponent(id)}/feedback`, body, req).catch(unavailable);
    await this.answer(res, audit, [], upstream);
  }

  private auditFor(req: Request, principal: Principal): Omit<AuditRecord, 'recordedAt' | 'outcome' | 'memberIds'> {
    return { ...auditBase(req), action: 'E', agent: principal.clientId, resourceTypes: ['DetectedIssue'] };
  }

  private async answer(res: Response, audit: Omit<AuditRecord, 'recordedAt' | 'outcome' | 'memberIds'>, memberIds: string[], upstream: Upstream): Promise<void> {
    const outcome = upstream.status < 400 ? '0' : upstream.status < 500 ? '4' : '8';
    await this.deps.audit.append({ ...audit, recordedAt: this.deps.clock.now(), outcome, memberIds });
    res.status(upstream.status).json(upstream.body);
  }

  private async isService(id: string): Promise<boolean> {
    const fresh = this.discoveryCache && this.deps.clock.now().getTime() - this.discoveryCache.at < DISCOVERY_TTL_MS;
    if (!fresh || !this.discoveryCache?.ids.has(id)) this.remember(await this.call('GET', '/cds-services'));
    return this.discoveryCache?.ids.has(id) ?? false;
  }

  private remember(upstream: Upstream): void {
    const services = (upstream.body as { services?: { id?: unknown }[] } | undefined)?.services;
    if (upstream.status !== 200 || !Array.isArray(services)) return;
    this.discoveryCache = { ids: new Set(services.map((s) => String(s.id))), at: this.deps.clock.now().getTime() };
  }

  /** `caller`: the request on whose behalf liaison is called (discovery needs nobody's). */
  private async call(method: 'GET' | 'POST', path: string, body?: unknown, caller?: Request): Promise<Upstream> {
    const { upstreamUrl, timeoutMs } = this.deps.cdsHooks;
    const token = caller ? await this.tokens.forRequest(caller, 'clinician-liaison') : undefined;
    const authorization = token ? `Bearer ${token}` : undefined;
    let response: globalThis.Response;
    try {
      response = await fetch(`${upstreamUrl}${path}`, {
        method,
        headers: { accept: 'application/json', ...(authorization ? { authorization } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      throw new UpstreamUnavailable('clinician-liaison did not answer');
    }
    const text = await response.text();
    try {
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : {} };
    } catch {
      throw new UpstreamUnavailable('clinician-liaison answered something other than JSON');
    }
  }
}

function unavailable(error: unknown): Upstream {
  if (!(error instanceof UpstreamUnavailable)) throw error;
  return { status: 502, body: { error: 'The CDS service is unavailable' } };
}
