import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';

/** One invalid field of a request (see `FieldValidationError`). */
export class FieldValidationErrorDto {
  @ApiProperty({ example: 'startsAt', description: 'Dotted path of the property.' })
  field!: string;
  @ApiProperty({
    type: [String],
    example: ['startsAt must be a valid ISO 8601 date string'],
    description: 'The rules broken; never the submitted value.',
  })
  constraints!: string[];
}

/** The 400 of the validation pipe (see `ValidationProblem`). */
export class ValidationProblemDto {
  @ApiProperty({ enum: [400], example: 400 })
  statusCode!: number;
  @ApiProperty({ example: 'Bad Request' })
  error!: string;
  @ApiProperty({ example: 'Request validation failed' })
  message!: string;
  @ApiProperty({ type: [FieldValidationErrorDto] })
  errors!: FieldValidationErrorDto[];
}

/** Nest's error body: refused tokens and access (401, 403), an unknown route or id, a refused body (413, 415). */
export class HttpErrorDto {
  @ApiProperty({ example: 403 })
  statusCode!: number;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], example: 'Access denied' })
  message!: string | string[];
  @ApiPropertyOptional({ example: 'Forbidden' })
  error?: string;
}

/** A domain error as RFC 9457 problem details (see `DomainProblem`). */
export class DomainProblemDto {
  @ApiProperty({ example: 'urn:carecircle:problem:scheduling.group-full' })
  type!: string;
  @ApiProperty({ example: 'Conflict' })
  title!: string;
  @ApiProperty({ example: 409 })
  status!: number;
  @ApiProperty({ example: 'scheduling.group-full', description: 'Stable, machine-readable.' })
  code!: string;
  @ApiPropertyOptional({ example: 'The group has no free seat' })
  detail?: string;
}

/** Statuses a domain error of a route can take (`HTTP_STATUS_BY_CATEGORY`, or a service's override). */
export type DomainErrorStatus = 404 | 409 | 422;

const DOMAIN_EXAMPLE: Record<DomainErrorStatus, string> = {
  404: 'The referral is unknown',
  409: 'The group has no free seat',
  422: 'Consent must be recorded before enrollment',
};

/**
 * The error answers of a guarded route of a service, in the shapes the service kit sends: 400 from the
 * validation pipe, 401 without a valid bearer token, 403 refused by the access policy, and the given
 * domain errors as `application/problem+json`. On a controller or a handler (a handler's statuses add to its class's).
 */
export function ApiServiceErrors(...domainStatuses: DomainErrorStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ValidationProblemDto, HttpErrorDto),
    ApiResponse({
      status: 400,
      description: "Invalid input: the body's fields and the rules they break, or the path or query value refused.",
      content: {
        'application/json': {
          schema: { anyOf: [{ $ref: getSchemaPath(ValidationProblemDto) }, { $ref: getSchemaPath(HttpErrorDto) }] },
          example: {
            statusCode: 400,
            error: 'Bad Request',
            message: 'Request validation failed',
            errors: [{ field: 'startsAt', constraints: ['startsAt must be a valid ISO 8601 date string'] }],
          },
        },
      },
    }),
    ApiHttpError(401, 'No valid bearer token.', 'A bearer token is required'),
    ApiHttpError(403, 'The access policy refuses this caller.', 'Access denied'),
    ...ApiDomainErrors(...domainStatuses),
  );
}

/** Domain errors alone, as `application/problem+json` (for a handler whose class has `ApiServiceErrors`). */
export function ApiDomainErrors(...statuses: DomainErrorStatus[]): Array<MethodDecorator & ClassDecorator> {
  return statuses.map((status) =>
    ApiDomainError(status, `A domain error (${STATUS_CODES[status]}): its stable \`code\` says which.`),
  );
}

/** One domain error status of a handler, as `application/problem+json`, with what it means there. */
export function ApiDomainError(status: DomainErrorStatus, description: string): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(DomainProblemDto),
    ApiResponse({
      status,
      description,
      content: {
        'application/problem+json': {
          schema: { $ref: getSchemaPath(DomainProblemDto) },
          example: {
            type: 'urn:carecircle:problem:example',
            title: STATUS_CODES[status],
            status,
            code: 'service.example',
            detail: DOMAIN_EXAMPLE[status],
          },
        },
      },
    }),
  );
}

/** A Nest error body (`HttpErrorDto`) for one status: what it means there, and an example message. */
export function ApiHttpError(status: number, description: string, message: string): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(HttpErrorDto),
    ApiResponse({
      status,
      description,
      content: {
        'application/json': {
          schema: { $ref: getSchemaPath(HttpErrorDto) },
          example: { statusCode: status, message, error: STATUS_CODES[status] },
        },
      },
    }),
  );
}
