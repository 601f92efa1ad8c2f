import { Controller, Get, Inject, Param, Query, Req, Res, UseFilters, UseGuards, type Type } from '@nestjs/common';
import {
  ApiFhirErrors,
  FHIR_JSON_MEDIA,
  fhirBundleSchema,
  fhirResourceSchema,
  Access,
} from '@carecircle/platform/service-kit';
import { ApiFhirRouteErrors } from '../fhir-http/api-responses';
import { ApiBearerAuth, ApiExcludeController, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import {
  FhirRequestError,
  parseFhirSearch,
  patientNamedBy,
  READABLE_RESOURCE_TYPES,
  SEARCH_PARAMETERS,
  searchsetBundle,
  type FhirReader,
  type Principal,
  type ReadableResourceType,
} from '@carecircle/gateway/application';
import { AccessGuard, auditBase, CurrentPrincipal, RequiresScope } from '../fhir-http/access.guard';
import { FHIR_JSON, FhirRequestErrorFilter } from '../fhir-http/fhir-request-error.filter';
import { RateLimitGuard } from '../fhir-http/rate-limit.guard';
import { GATEWAY_DEPS, type GatewayDeps } from '../gateway.deps';
import { postgresFhirReader } from './fhir-read-ports';

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** From `GATEWAY_PUBLIC_URL`, never the Host header (a caller chooses that one). */
const fhirBase = (deps: GatewayDeps) => `${deps.baseUrl}/fhir/R4`;
const notFound = (text: string) => new FhirRequestError(404, [{ severity: 'error', code: 'not-found', text }]);

interface Answer {
  memberIds: string[];
  respond: () => void;
}

/**
 * Runs one read or search and audits it (who, which type, which members, whether it answered) before
 * the answer leaves: no clinical data goes out unrecorded.
 */
async function audited(
  deps: GatewayDeps,
  req: Request,
  agent: string,
  type: string,
  run: () => Promise<Answer>,
): Promise<void> {
  const audit = { ...auditBase(req), action: 'R' as const, agent, resourceTypes: [type] };
  try {
    const { memberIds, respond } = await run();
    await deps.audit.append({ ...audit, recordedAt: deps.clock.now(), outcome: '0', memberIds });
    respond();
  } catch (error) {
    // A refused or failed search still names the patient it asked about, when the gateway knows them.
    const patient = patientNamedBy((req.query ?? {}) as Record<string, unknown>);
    const named = patient ? await deps.findMember(patient).catch(() => undefined) : undefined;
    await deps.audit.append({
      ...audit,
      recordedAt: deps.clock.now(),
      outcome: error instanceof FhirRequestError ? '4' : '8',
      memberIds: named ? [named] : [],
    });
    throw error;
  }
}

/**
 * `GET /fhir/R4/<type>/<id>` and `GET /fhir/R4/<type>?patient=…` for one type the system produces.
 * One controller per type, so the AccessGuard checks `system/<type>.r` on reads and `.s` on searches.
 */
function fhirReadController(type: ReadableResourceType): Type<unknown> {
  @ApiTags('fhir')
  @ApiBearerAuth()
  @Controller(`fhir/R4/${type}`)
  @Access('fhir.read', 'service')
  @UseGuards(AccessGuard, RateLimitGuard)
  @UseFilters(FhirRequestErrorFilter)
  @ApiFhirRouteErrors()
  class FhirReadHttpController {
    private readonly reader: FhirReader;

    constructor(
      @Inject(GATEWAY_DEPS) private readonly deps: GatewayDeps,
      @Inject(DataSource) dataSource: DataSource,
    ) {
      this.reader = postgresFhirReader((dataSource.driver as PostgresDriver).master as Pool, deps);
    }

    @Get()
    @RequiresScope(type, 's')
    @ApiQuery({
      name: SEARCH_PARAMETERS[type][0] ?? 'patient',
      required: true,
      description: `Patient/<EHR id> (also: ${SEARCH_PARAMETERS[type].join(', ')})`,
    })
    @ApiQuery({ name: '_count', required: false, description: 'Page size, 0-100 (default 20)' })
    @ApiQuery({ name: '_offset', required: false, description: 'Where the page starts (the paging links carry it)' })
    @ApiOperation({ summary: `Search ${type} resources of a patient` })
    @ApiOkResponse({
      description: `A searchset Bundle of ${type}; unknown parameters are refused (400, handling=strict)`,
      content: {
        [FHIR_JSON_MEDIA]: {
          schema: fhirBundleSchema(type),
          example: { resourceType: 'Bundle', type: 'searchset', total: 0, entry: [] },
        },
      },
    })
    search(
      @Query() query: Record<string, unknown>,
      @CurrentPrincipal() principal: Principal,
      @Req() req: Request,
      @Res() res: Response,
    ) {
      return audited(this.deps, req, principal.clientId, type, async () => {
        const search = parseFhirSearch(type, query);
        const found = await this.reader.search(type, search.by.reference);
        return {
          memberIds: found.memberIds,
          respond: () =>
            res
              .status(200)
              .type(FHIR_JSON)
              .send(JSON.stringify(searchsetBundle(fhirBase(this.deps), type, search, found.resources))),
        };
      });
    }

    @Get(':id')
    @RequiresScope(type, 'r')
    @ApiOperation({ summary: `Read a ${type}` })
    @ApiOkResponse({
      description: `The ${type}, with ETag (its versionId) and Last-Modified`,
      content: {
        [FHIR_JSON_MEDIA]: {
          schema: fhirResourceSchema(type),
          example: {
            resourceType: type,
            id: 'cc-1',
            meta: { versionId: '1', lastUpdated: '2026-03-02T09:30:00.000Z' },
          },
        },
      },
    })
    @ApiFhirErrors({ 404: 'No such resource.' })
    read(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res() res: Response) {
      return audited(this.deps, req, principal.clientId, type, async () => {
        const found = FHIR_ID.test(id) ? await this.reader.read(type, id) : { resources: [], memberIds: [] };
        const [resource] = found.resources;
        if (!resource) throw notFound(`No ${type} with this id`);
        const { versionId, lastUpdated } = resource.meta ?? {};
        return {
          memberIds: found.memberIds,
          respond: () => {
            if (versionId) res.setHeader('ETag', `W/"${versionId}"`);
            if (lastUpdated) res.setHeader('Last-Modified', new Date(lastUpdated).toUTCString());
            res.status(200).type(FHIR_JSON).send(JSON.stringify(resource));
          },
        };
      });
    }
  }
  Object.defineProperty(FhirReadHttpController, 'name', { value: `Fhir${type}ReadHttpController` });
  return FhirReadHttpController;
}

/**
 * Any other `GET /fhir/R4/<type>[/<id>]`: 404 not-supported as an OperationOutcome (FHIR's answer for a
 * type the server does not serve), after authentication like every FHIR route. Registered last.
 */
@ApiTags('fhir')
@ApiBearerAuth()
@Controller('fhir/R4')
@Access('fhir.read', 'service')
@UseGuards(AccessGuard, RateLimitGuard)
@UseFilters(FhirRequestErrorFilter)
// Only refuses (404 not-supported for the types not served): the metadata says which types are.
@ApiExcludeController()
export class FhirReadUnsupportedHttpController {
  constructor(@Inject(GATEWAY_DEPS) private readonly deps: GatewayDeps) {}

  @Get(':type')
  searchUnsupported(@Param('type') type: string, @CurrentPrincipal() principal: Principal, @Req() req: Request) {
    return this.refuse(type, principal, req);
  }

  @Get(':type/:id')
  readUnsupported(@Param('type') type: string, @CurrentPrincipal() principal: Principal, @Req() req: Request) {
    return this.refuse(type, principal, req);
  }

  private refuse(type: string, principal: Principal, req: Request): Promise<void> {
    return audited(
      this.deps,
      req,
      principal.clientId,
      /^[A-Z][A-Za-z]{1,63}$/.test(type) ? type : 'unknown',
      async () => {
        throw new FhirRequestError(404, [
          {
            severity: 'error',
            code: 'not-supported',
            text: `Reading this resource type is not supported: the server reads ${READABLE_RESOURCE_TYPES.join(', ')} (see /fhir/R4/metadata)`,
          },
        ]);
      },
    );
  }
}

/** Every FHIR read route, the unsupported-type answer last (it would shadow the others). */
export const FHIR_READ_CONTROLLERS: Type<unknown>[] = [
  ...READABLE_RESOURCE_TYPES.map(fhirReadController),
  FhirReadUnsupportedHttpController,
];
