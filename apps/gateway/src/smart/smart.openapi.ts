import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ApiHttpError } from '@carecircle/platform/service-kit';

/** The token endpoint's refusal (RFC 6749 §5.2). */
const OAUTH_ERROR = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'string',
      enum: ['invalid_request', 'invalid_client', 'invalid_grant', 'invalid_scope', 'unsupported_grant_type'],
    },
    error_description: { type: 'string' },
  },
};

const THROTTLED = ApiHttpError(
  429,
  'Too many requests from this address (Retry-After says when to retry).',
  'Too many requests: retry after 30 s',
);

/** `GET /.well-known/smart-configuration`: SMART Backend Services discovery (https://hl7.org/fhir/smart-app-launch/conformance.html). */
export function ApiSmartConfiguration(): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary: 'Discover the SMART configuration' }),
    ApiOkResponse({
      description: 'The token endpoint, the signing keys and what the server supports.',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            additionalProperties: true,
            required: ['token_endpoint', 'grant_types_supported'],
            properties: {
              token_endpoint: { type: 'string', format: 'uri' },
              jwks_uri: { type: 'string', format: 'uri' },
              grant_types_supported: { type: 'array', items: { type: 'string' } },
              token_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
              token_endpoint_auth_signing_alg_values_supported: { type: 'array', items: { type: 'string' } },
              scopes_supported: { type: 'array', items: { type: 'string' } },
              capabilities: { type: 'array', items: { type: 'string' } },
            },
          },
          example: {
            token_endpoint: 'https://gateway.carecircle.example/auth/token',
            jwks_uri: 'https://gateway.carecircle.example/.well-known/jwks.json',
            grant_types_supported: ['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'],
            token_endpoint_auth_methods_supported: ['private_key_jwt'],
            token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
            scopes_supported: ['system/*.cruds', 'system/*.rs', 'system/*.c', 'system/*.u'],
            capabilities: ['client-confidential-asymmetric'],
          },
        },
      },
    }),
    THROTTLED,
  );
}

/** `POST /auth/token`: client credentials with a signed client assertion, or a token exchange (RFC 8693). */
export function ApiSmartToken(): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary: 'Get an access token (SMART Backend Services or token exchange)' }),
    ApiConsumes('application/x-www-form-urlencoded'),
    ApiBody({
      description: 'The OAuth 2.0 token request: every field one string.',
      schema: {
        type: 'object',
        required: ['grant_type'],
        additionalProperties: { type: 'string' },
        properties: {
          grant_type: {
            type: 'string',
            enum: ['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'],
          },
          scope: { type: 'string' },
          client_assertion_type: { type: 'string' },
          client_assertion: { type: 'string', description: 'A JWT signed with the client key (private_key_jwt).' },
          subject_token: { type: 'string' },
          subject_token_type: { type: 'string' },
          resource: { type: 'string', description: 'Token exchange: the service the token is for.' },
        },
      },
      examples: {
        clientCredentials: {
          summary: 'SMART Backend Services',
          value: {
            grant_type: 'client_credentials',
            scope: 'system/Observation.rs',
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: 'eyJhbGciOiJFUzM4NCJ9.eyJpc3MiOiJlaHIifQ.c2lnbmF0dXJl',
          },
        },
      },
    }),
    ApiOkResponse({
      description: 'The access token.',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['access_token', 'token_type', 'expires_in'],
            properties: {
              access_token: { type: 'string' },
              token_type: { type: 'string', enum: ['bearer', 'Bearer'] },
              expires_in: { type: 'integer' },
              scope: { type: 'string' },
              issued_token_type: { type: 'string' },
            },
          },
          example: {
            access_token: 'eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJlaHIifQ.c2lnbmF0dXJl',
            token_type: 'bearer',
            expires_in: 300,
            scope: 'system/Observation.rs',
          },
        },
      },
    }),
    ApiResponse({
      status: 400,
      description: 'A malformed request, grant or scope.',
      content: {
        'application/json': {
          schema: OAUTH_ERROR,
          example: { error: 'invalid_request', error_description: 'grant_type is required' },
        },
      },
    }),
    ApiResponse({
      status: 401,
      description: 'The client assertion is not valid for a registered client.',
      content: {
        'application/json': {
          schema: OAUTH_ERROR,
          example: { error: 'invalid_client', error_description: 'The client assertion is not valid' },
        },
      },
    }),
    THROTTLED,
  );
}
