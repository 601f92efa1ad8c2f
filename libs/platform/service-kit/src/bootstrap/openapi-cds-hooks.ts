import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * The CDS Hooks 2.0 wire format (https://cds-hooks.hl7.org/2.0/) as OpenAPI, for the services that answer
 * it (clinician-liaison) and the gateway that fronts them: one description of the standard, not one per controller.
 */
const CDS_SPEC = 'See https://cds-hooks.hl7.org/2.0/';

const CDS_SERVICE: SchemaObject = {
  type: 'object',
  required: ['hook', 'id', 'description'],
  properties: {
    hook: { type: 'string' },
    id: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    prefetch: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

const CARD: SchemaObject = {
  type: 'object',
  additionalProperties: true,
  required: ['summary', 'indicator', 'source'],
  description: `A CDS Hooks card. ${CDS_SPEC}#card-attributes`,
  properties: {
    uuid: { type: 'string' },
    summary: { type: 'string', maxLength: 140 },
    detail: { type: 'string' },
    indicator: { type: 'string', enum: ['info', 'warning', 'critical'] },
    source: {
      type: 'object',
      additionalProperties: true,
      properties: { label: { type: 'string' }, url: { type: 'string' } },
    },
    overrideReasons: { type: 'array', items: { type: 'object', additionalProperties: true } },
    links: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
};

/** `GET /cds-services`: the services offered, read by the EHR before it has a token. */
export function ApiCdsDiscovery(): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary: 'Discover the CDS Hooks services', description: CDS_SPEC + '#discovery' }),
    ApiOkResponse({
      description: 'The CDS services offered.',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['services'],
            properties: { services: { type: 'array', items: CDS_SERVICE } },
          },
          example: {
            services: [
              {
                hook: 'patient-view',
                id: 'carecircle-patient-view',
                title: 'CareCircle coordination alerts',
                description: "The member's open coordination alerts.",
              },
            ],
          },
        },
      },
    }),
  );
}

/** `POST /cds-services/{id}`: a hook call; answers cards, changes nothing. */
export function ApiCdsServiceCall(): MethodDecorator {
  return applyDecorators(
    ApiOperation({
      summary: 'Call a CDS Hooks service',
      description: `Answers cards for the hook's context; changes nothing. ${CDS_SPEC}#calling-a-cds-service`,
    }),
    ApiBody({
      description:
        'The hook request: hook, hookInstance, context (patientId, userId, draftOrders…), optional prefetch.',
      schema: {
        type: 'object',
        additionalProperties: true,
        required: ['hook', 'hookInstance', 'context'],
        properties: {
          hook: { type: 'string' },
          hookInstance: { type: 'string', format: 'uuid' },
          fhirServer: { type: 'string', format: 'uri' },
          context: { type: 'object', additionalProperties: true },
          prefetch: { type: 'object', additionalProperties: true },
        },
      },
      examples: {
        patientView: {
          summary: 'patient-view',
          value: {
            hook: 'patient-view',
            hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
            context: { userId: 'Practitioner/pr-1', patientId: 'pat-123' },
          },
        },
      },
    }),
    ApiOkResponse({
      description: 'Cards for the clinician (none when there is nothing to say).',
      content: {
        'application/json': {
          schema: { type: 'object', required: ['cards'], properties: { cards: { type: 'array', items: CARD } } },
          example: {
            cards: [
              {
                uuid: '5f0c3d2e-8a41-4b6f-9c27-1e3d4a5b6c7d',
                summary: 'Open coordination alert: distress reported',
                indicator: 'warning',
                source: { label: 'CareCircle' },
              },
            ],
          },
        },
      },
    }),
  );
}

/** `POST /cds-services/{id}/feedback`: what the clinician did with the cards. */
export function ApiCdsFeedback(): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary: 'Report what became of CDS Hooks cards', description: CDS_SPEC + '#feedback' }),
    ApiBody({
      schema: {
        type: 'object',
        required: ['feedback'],
        properties: {
          feedback: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: true,
              required: ['card', 'outcome', 'outcomeTimestamp'],
              properties: {
                card: { type: 'string' },
                outcome: { type: 'string', enum: ['accepted', 'overridden'] },
                outcomeTimestamp: { type: 'string', format: 'date-time' },
                overrideReason: { type: 'object', additionalProperties: true },
              },
            },
          },
        },
      },
      examples: {
        overridden: {
          summary: 'A card overridden',
          value: {
            feedback: [
              {
                card: '5f0c3d2e-8a41-4b6f-9c27-1e3d4a5b6c7d',
                outcome: 'overridden',
                outcomeTimestamp: '2026-03-02T09:30:00Z',
                overrideReason: {
                  reason: { code: 'already-reviewed', display: 'Already reviewed with the care team' },
                },
              },
            ],
          },
        },
      },
    }),
    ApiOkResponse({
      description: 'Recorded.',
      content: { 'application/json': { schema: { type: 'object' }, example: {} } },
    }),
  );
}
