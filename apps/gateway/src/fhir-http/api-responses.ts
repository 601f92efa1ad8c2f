import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ApiFhirErrors, ApiHttpError } from '@carecircle/platform/service-kit';

/**
 * The gateway's own refusals, in the shape of the route's family: OperationOutcome on FHIR routes (the
 * access and rate-limit guards answer FHIR there), Nest's error body on the care console and timeline.
 */
export function ApiFhirRouteErrors(): MethodDecorator & ClassDecorator {
  return ApiFhirErrors({
    400: 'Invalid request: the issue says which element (FHIRPath) and why.',
    401: 'No valid bearer access token.',
    403: 'The token does not grant this interaction (SMART scope or access policy).',
    429: 'Too many requests from this client (Retry-After says when to retry).',
  });
}

export function ApiConsoleErrors(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiHttpError(400, 'A path or query value is malformed.', 'memberId is not a valid id'),
    ApiHttpError(401, 'No valid bearer access token.', 'A valid bearer access token is required'),
    ApiHttpError(403, 'The reader may not see or act on this (access policy).', 'Access denied'),
    ApiHttpError(
      429,
      'Too many requests from this caller (Retry-After says when to retry).',
      'Too many requests: retry after 30 s',
    ),
  );
}

/** The CDS Hooks proxy's own refusals (an unknown service, a request it cannot translate). */
export class CdsProxyErrorDto {
  @ApiProperty({ example: 'No CDS service with this id' })
  error!: string;
}

/** The errors of the CDS Hooks proxy's hook and feedback calls; discovery is public and takes nothing. */
export function ApiCdsProxyErrors(): MethodDecorator {
  const cdsError = (status: number, description: string, error: string) =>
    ApiResponse({
      status,
      description,
      content: { 'application/json': { schema: { $ref: getSchemaPath(CdsProxyErrorDto) }, example: { error } } },
    });
  return applyDecorators(
    ApiExtraModels(CdsProxyErrorDto),
    cdsError(400, 'The hook request cannot be translated (its context is malformed).', 'context.patientId is required'),
    cdsError(404, 'No CDS service with this id.', 'No CDS service with this id'),
    ApiFhirErrors({
      401: 'No valid bearer access token.',
      403: 'The token does not grant CDS Hooks calls.',
      429: 'Too many requests from this client (Retry-After says when to retry).',
    }),
  );
}
