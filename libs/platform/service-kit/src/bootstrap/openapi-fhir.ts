import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { STATUS_CODES } from 'node:http';

export const FHIR_JSON_MEDIA = 'application/fhir+json';

/**
 * A FHIR R4 resource as an open object: its `resourceType` fixed, the rest as the specification defines
 * it (linked, not inlined: the FHIR schema is thousands of definitions).
 */
export function fhirResourceSchema(resourceType: string, description = ''): SchemaObject {
  return {
    type: 'object',
    additionalProperties: true,
    required: ['resourceType'],
    properties: { resourceType: { type: 'string', enum: [resourceType] } },
    description: `${description ? `${description} ` : ''}A FHIR R4 ${resourceType}: https://hl7.org/fhir/R4/${resourceType.toLowerCase()}.html`,
  };
}

/** A FHIR R4 searchset Bundle of the given resource types. */
export function fhirBundleSchema(...resourceTypes: string[]): SchemaObject {
  return {
    ...fhirResourceSchema('Bundle', `A searchset of ${resourceTypes.join(' and ')} resources.`),
    properties: {
      resourceType: { type: 'string', enum: ['Bundle'] },
      type: { type: 'string', enum: ['searchset'] },
      total: { type: 'integer' },
      entry: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: true,
          properties: {
            resource: { type: 'object', additionalProperties: true, description: resourceTypes.join(' or ') },
          },
        },
      },
    },
  };
}

const OPERATION_OUTCOME_EXAMPLE = (status: number) => ({
  resourceType: 'OperationOutcome',
  issue: [
    { severity: 'error', code: FHIR_ISSUE_CODE[status] ?? 'processing', diagnostics: STATUS_CODES[status] ?? 'Error' },
  ],
});

const FHIR_ISSUE_CODE: Record<number, string> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'too-costly',
  415: 'not-supported',
  422: 'processing',
  429: 'throttled',
};

/** Error answers of a FHIR route: each an OperationOutcome (https://hl7.org/fhir/R4/operationoutcome.html). */
export function ApiFhirErrors(statuses: Readonly<Record<number, string>>): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...Object.entries(statuses).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        description,
        content: {
          [FHIR_JSON_MEDIA]: {
            schema: fhirResourceSchema('OperationOutcome', 'What went wrong, and where (FHIRPath).'),
            example: OPERATION_OUTCOME_EXAMPLE(Number(status)),
          },
        },
      }),
    ),
  );
}
