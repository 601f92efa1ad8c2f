import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiCdsProxyErrors } from '../fhir-http/api-responses';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  CdsClientTokens,
  FhirRequestError,
  isFhirId,
  patientLookupKeys,
  prefetchQuery,
  principalAllows,
  readPatientData,
  translateCdsRequest,
  withPrefetch,
  type AuditRecord,
  type PatientData,
  type PrefetchKey,
  type Principal,
  type RequestContext,
} from '@carecircle/gateway/application';
import { createLogger } from '@carecircle/platform/observability';
import {
  Access,
  Public,
  ApiCdsDiscovery,
  ApiCdsServiceCall,
  ApiCdsFeedback,
  ApiHttpError,
} from '@carecircle/platform/service-kit';
import type { Caller } from '../auth/gateway-authenticator';
import { AccessGuard, auditBase, CurrentCaller, CurrentPrincipal } from '../fhir-http/access.guard';
import { CommandContext } from '../fhir-http/request-context.decorator';
import { FhirRequestErrorFilter } from '../fhir-http/fhir-request-error.filter';
import { RateLimitGuard } from '../fhir-http/rate-limit.guard';
import { GATEWAY_DEPS, type GatewayDeps } from '../gateway.deps';
import { InternalTokens } from '../auth/internal-tokens';

const SERVICE_ID = /^[A-Za-z0-9._-]{1,64}$/;
const DISCOVERY_TTL_MS = 60_000;
/** Largest answer read from an EHR's FHIR server for one prefetch query. */
const EHR_FHIR_MAX_BYTES = 2 * 1024 * 1024;

interface Upstream {
  status: number;
  body: unknown;
}

class UpstreamUnavailable extends Error {
  override readonly name = 'UpstreamUnavailable';
}

/**
 * CDS Hooks 2.0 through the gateway, answered by clinician-liaison. Discovery is open and declares the
 * gateway's prefetch templates; an invocation needs `system/DetectedIssue.r` (cards are the coordination
 * findings), feedback `system/DetectedIssue.u` (it acknowledges them). The caller is a registered EHR with
 * its own signed JWT (CDS Hooks 2.0, `CDS_CLIENTS`) or a SMART client with a CareCircle token (kept: the
 * clients registered before EHR JWTs were accepted); both are decided by the same access policy.
 * The context patient (prefetched, or fetched from the EHR's registered `fhirServer` with
 * `fhirAuthorization`) is mapped to the member id before forwarding; an unknown patient gets empty cards,
 * as a known one without alerts would. Prefetched active medication orders are taken in as `POST /fhir/R4`
 * takes them, when the client may write them. Invocations are audited. Liaison gets a one-minute token
 * of its own for the same client and scopes, and decides again.
 */
@ApiTags('cds-hooks')
@Controller('cds-services')
@UseFilters(FhirRequestErrorFilter)
export class CdsHooksProxyHttpController {
  private discoveryCache?: { ids: ReadonlySet<string>; at: number };
  private readonly logger = createLogger('gateway');

  constructor(
    @Inject(GATEWAY_DEPS) private readonly deps: GatewayDeps,
    private readonly tokens: InternalTokens,
  ) {}

  @Get()
  @Public()
  @ApiCdsDiscovery()
  @ApiHttpError(
    429,
    'Too many requests from this address (Retry-After says when to retry).',
    'Too many requests: retry after 30 s',
  )
  async discovery(@Res() res: Response) {
    const upstream = await this.call('GET', '/cds-services').catch(unavailable);
    this.remember(upstream);
    res.status(upstream.status).json(upstream.status === 200 ? withPrefetch(upstream.body) : upstream.body);
  }

  @Post(':id')
  @HttpCode(200)
  @ApiBearerAuth()
  @UseGuards(AccessGuard, RateLimitGuard)
  @Access('cds.invoke', 'service')
  @ApiCdsServiceCall()
  @ApiCdsProxyErrors()
  async invoke(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @CurrentCaller() caller: Caller,
    @CommandContext() context: RequestContext,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const audit = this.auditFor(req, principal);
    if (!SERVICE_ID.test(id))
      return this.answer(res, audit, [], { status: 404, body: { error: 'No CDS service with this id' } });
    try {
      const data = await this.patientData(body, caller);
      if (data && !data.ok) return await this.answer(res, audit, [], { status: 400, body: { error: data.text } });
      const patient = data?.data.patient;
      const translated = await translateCdsRequest(body, (reference) => this.memberOf(reference, patient));
      if (translated.outcome === 'forward' && data?.data.medications?.length)
        await this.takeIn(data.data, principal, context, req);
      switch (translated.outcome) {
        case 'invalid':
          return await this.answer(res, audit, [], { status: 400, body: { error: translated.text } });
        case 'unknown-patient':
          // Same answer as a known patient without cards; only a bogus service id is told apart.
          return await this.answer(
            res,
            audit,
            [],
            (await this.isService(id))
              ? { status: 200, body: { cards: [] } }
              : { status: 404, body: { error: 'No CDS service with this id' } },
          );
        case 'forward':
          return await this.answer(
            res,
            audit,
            [translated.memberId],
            await this.call('POST', `/cds-services/${encodeURIComponent(id)}`, translated.body, req),
          );
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
  async feedback(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const audit = this.auditFor(req, principal);
    if (!SERVICE_ID.test(id))
      return this.answer(res, audit, [], { status: 404, body: { error: 'No CDS service with this id' } });
    // Feedback names cards (alert ids), never a patient: it goes through as sent.
    const upstream = await this.call('POST', `/cds-services/${encodeURIComponent(id)}/feedback`, body, req).catch(
      unavailable,
    );
    await this.answer(res, audit, [], upstream);
  }

  /**
   * The context patient's data: what the EHR prefetched, and what it did not, fetched from its
   * `fhirServer` with its `fhirAuthorization` token, only when the EHR authenticated with its own JWT and
   * registered that server (the gateway fetches no URL a request merely names). Undefined when the
   * request names no valid patient (the translation refuses it).
   */
  private async patientData(body: unknown, caller: Caller): Promise<ReturnType<typeof readPatientData> | undefined> {
    const request = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const patientId = (request['context'] as Record<string, unknown> | undefined)?.['patientId'];
    if (!isFhirId(patientId)) return undefined;
    const reading = readPatientData(request['prefetch'], patientId);
    if (!reading.ok || reading.missing.length === 0) return reading;
    const server = request['fhirServer'];
    const accessToken = (request['fhirAuthorization'] as { access_token?: unknown } | undefined)?.access_token;
    const client = caller.kind === 'system' ? caller.cdsClient : undefined;
    if (!client || typeof server !== 'string' || typeof accessToken !== 'string' || !accessToken) return reading;
    if (!CdsClientTokens.servesFhir(client, server)) {
      this.logger.warn(
        { clientId: client.clientId },
        'A CDS request named a fhirServer its EHR did not register: nothing fetched',
      );
      return reading;
    }
    const fetched: Partial<Record<PrefetchKey, unknown>> = {};
    for (const key of reading.missing)
      fetched[key] = await this.fetchFromEhr(server, accessToken, prefetchQuery(key, patientId));
    const more = readPatientData(fetched, patientId);
    if (!more.ok) {
      this.logger.warn(
        { clientId: client.clientId },
        'The EHR’s FHIR server answered data the ingest would refuse: not used',
      );
      return reading;
    }
    return { ok: true, data: { ...reading.data, ...more.data }, missing: more.missing };
  }

  /** One FHIR read or search at the EHR, bounded in time and size; undefined (as if not prefetched) on any failure. */
  private async fetchFromEhr(server: string, accessToken: string, query: string): Promise<unknown> {
    try {
      const response = await fetch(`${server.replace(/\/+$/, '')}/${query}`, {
        headers: { accept: 'application/fhir+json', authorization: `Bearer ${accessToken}` },
        // A redirect could lead anywhere: only the registered server is read.
        redirect: 'error',
        signal: AbortSignal.timeout(this.deps.cdsHooks.timeoutMs),
      });
      const text = await response.text();
      if (!response.ok || text.length > EHR_FHIR_MAX_BYTES) return undefined;
      return JSON.parse(text) as unknown;
    } catch {
      this.logger.warn('The EHR’s FHIR server did not answer a prefetch query');
      return undefined;
    }
  }

  /** The member of the EHR patient: by `Patient/<id>`, else by the identifiers of the Patient the EHR sent. */
  private async memberOf(reference: string, patient: PatientData['patient']): Promise<string | undefined> {
    const known = await this.deps.findMember(reference);
    if (known || !patient?.id) return known;
    const { identifiers } = patientLookupKeys(patient.id, patient);
    return identifiers.length > 0 ? this.deps.findMemberByKeys(identifiers) : undefined;
  }

  /**
   * The active medication orders the EHR sent, taken in as `POST /fhir/R4` takes a batch of updates (same
   * validation, same scope check, audited the same way), so that the coordination rules know them: an
   * order already known is unchanged. Only for a client whose scopes allow it; a refusal does not fail the call.
   */
  private async takeIn(data: PatientData, principal: Principal, context: RequestContext, req: Request): Promise<void> {
    if (!principalAllows(principal, 'MedicationRequest', 'u')) return;
    const entry = (data.medications ?? []).map((resource) => ({
      resource,
      request: { method: 'PUT', url: `MedicationRequest/${resource.id}` },
    }));
    const audit = {
      ...auditBase(req),
      operation: 'POST /cds-services/:id prefetch',
      action: 'E' as const,
      agent: principal.clientId,
    };
    try {
      const result = await this.deps.ingest(
        { kind: 'bundle', body: { resourceType: 'Bundle', type: 'batch', entry } },
        principal,
        context,
      );
      await this.deps.audit.append({
        ...audit,
        recordedAt: this.deps.clock.now(),
        outcome: '0',
        resourceTypes: result.resourceTypes,
        memberIds: result.memberIds,
      });
    } catch (error) {
      if (!(error instanceof FhirRequestError)) throw error;
      await this.deps.audit.append({
        ...audit,
        recordedAt: this.deps.clock.now(),
        outcome: '4',
        resourceTypes: ['MedicationRequest'],
        memberIds: [],
      });
      this.logger.warn('Prefetched medication orders were refused by the ingest: the call goes on without them');
    }
  }

  private auditFor(req: Request, principal: Principal): Omit<AuditRecord, 'recordedAt' | 'outcome' | 'memberIds'> {
    return { ...auditBase(req), action: 'E', agent: principal.clientId, resourceTypes: ['DetectedIssue'] };
  }

  private async answer(
    res: Response,
    audit: Omit<AuditRecord, 'recordedAt' | 'outcome' | 'memberIds'>,
    memberIds: string[],
    upstream: Upstream,
  ): Promise<void> {
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
        headers: {
          accept: 'application/json',
          ...(authorization ? { authorization } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
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
