import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type INestApplication,
  type NestInterceptor,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import type { Observable } from 'rxjs';
import {
  FhirRequestError,
  fhirPathType,
  invalidFhirId,
  isFhirId,
  operationOutcome,
  type FhirIssue,
} from '@carecircle/gateway/application';
import {
  bodyRejection,
  DEFAULT_JSON_MAX_DEPTH,
  RefusedBodyException,
  rejectDeepJson,
  type BodyRejection,
} from '@carecircle/platform/service-kit';
import { GATEWAY_AUTH, type GatewayAuth } from '../auth/gateway-auth';
import { GatewayAuthenticator } from '../auth/gateway-authenticator';
import { FHIR_JSON } from './fhir-request-error.filter';

/**
 * The FHIR edge before any handler: `application/fhir+json` bodies up to the configured size and
 * depth (the service kit's JSON parser keeps `application/json` at its own limit, with the same
 * depth), form bodies for the token endpoint, body refusals on FHIR routes answered as
 * OperationOutcome without quoting the body, and path ids held to the FHIR id rule.
 */
export function configureFhirBodies(app: INestApplication, limit: string, maxDepth = DEFAULT_JSON_MAX_DEPTH): void {
  app.use(express.json({ type: 'application/fhir+json', limit, verify: rejectDeepJson(maxDepth) }));
  app.use('/auth/token', express.urlencoded({ extended: false, limit: '64kb' }));
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    const rejection = error instanceof RefusedBodyException ? error.rejection : bodyRejection(error);
    if (!rejection) return next(error);
    // Elsewhere (a FHIR body sent to CDS Hooks, a form to the token endpoint): the usual error shape.
    if (!req.path.startsWith('/fhir/'))
      return next(error instanceof RefusedBodyException ? error : new RefusedBodyException(rejection));
    // Refused before any handler ran, still in the audit trail as a failure (who, if their token says so).
    void auditRefusedBody(app, req)
      .catch(() => undefined)
      .then(() =>
        res
          .status(rejection.status)
          .type(FHIR_JSON)
          .send(JSON.stringify(operationOutcome([bodyIssue(rejection, limit)]))),
      );
  });
  app.useGlobalInterceptors(new FhirPathIdInterceptor());
}

/**
 * A FHIR body refused by the parser (too large, too deep, malformed): audited as a minor failure with
 * the route as a template (never the EHR id in the path), the resource type the path names, and the
 * caller when their bearer token is valid. Nothing of the body is read.
 */
async function auditRefusedBody(app: INestApplication, req: Request): Promise<void> {
  const auth = app.get<GatewayAuth>(GATEWAY_AUTH, { strict: false });
  const caller = await app
    .get(GatewayAuthenticator, { strict: false })
    .authenticate(req)
    .catch(() => undefined);
  const [type, id] = req.path.replace(/^\/fhir\/R4\/?/, '').split('/');
  const route = !type ? '/fhir/R4' : id === undefined ? '/fhir/R4/:type' : '/fhir/R4/:type/:id';
  const action = !type ? 'E' : req.method === 'PUT' ? 'U' : req.method === 'POST' ? 'C' : 'R';
  await auth.audit.append({
    recordedAt: auth.clock.now(),
    operation: `${req.method} ${route}`,
    ...(req.ip ? { sourceIp: req.ip } : {}),
    action,
    outcome: '4',
    agent: caller?.id ?? 'anonymous',
    resourceTypes: [type ? fhirPathType(type) : 'Bundle'],
    memberIds: [],
  });
}

function bodyIssue(rejection: BodyRejection, limit: string): FhirIssue {
  switch (rejection.reason) {
    case 'too-large':
      return { severity: 'error', code: 'too-costly', text: `The body is larger than the limit of ${limit}` };
    case 'too-deep':
      return { severity: 'error', code: 'too-costly', text: rejection.message };
    case 'unsupported-encoding':
      return { severity: 'error', code: 'not-supported', text: rejection.message };
    default:
      return { severity: 'error', code: 'structure', text: 'Malformed JSON body' };
  }
}

/**
 * `/fhir/R4/<type>/<id>` on every FHIR route: an id that breaks the FHIR id rule answers 400 at
 * `<type>.id`, never echoed. An interceptor, so that authentication and scopes (guards) come first.
 */
@Injectable()
export class FhirPathIdInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<Request>();
      const id: unknown = req.params?.['id'];
      if (req.path.startsWith('/fhir/') && id !== undefined && !isFhirId(id)) {
        const type = req.params['type'] ?? req.path.split('/')[3];
        throw new FhirRequestError(400, [
          invalidFhirId(`${fhirPathType(typeof type === 'string' ? type : undefined)}.id`),
        ]);
      }
    }
    return next.handle();
  }
}
