import { Body, Controller, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiSmartConfiguration, ApiSmartToken } from './smart.openapi';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { CLIENT_ASSERTION_ALGORITHMS, TokenRequestError } from '@carecircle/gateway/application';
import { GATEWAY_DEPS, type GatewayDeps } from '../gateway.deps';
import { GatewayAuthenticator } from '../auth/gateway-authenticator';
import { expiryOf, InternalTokens } from '../auth/internal-tokens';
import { Public } from '@carecircle/platform/service-kit';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

const MAX_FIELD_LENGTH = 16_384;
const field = z.string().max(MAX_FIELD_LENGTH);

/**
 * The token request's form (RFC 6749 §4.4 with RFC 7523, or RFC 8693 token exchange): every field a
 * single string and a grant type named; what each grant needs beyond that is checked by its handler
 * (`invalid_request`). Unknown string fields are ignored, as OAuth asks; anything else (an array from a
 * repeated field, a JSON number or object) is an `invalid_request`, never a 500.
 */
export const tokenRequestSchema = z.object({ grant_type: field.min(1) }).catchall(field);

/** SMART Backend Services discovery, the token endpoint and the gateway's public signing key. */
@ApiTags('auth')
@Public()
@Controller()
export class SmartHttpController {
  constructor(
    @Inject(GATEWAY_DEPS) private readonly deps: GatewayDeps,
    private readonly authenticator: GatewayAuthenticator,
    private readonly internalTokens: InternalTokens,
  ) {}

  /** Links from `GATEWAY_PUBLIC_URL`, never the Host header (a caller chooses that one). */
  @Get('.well-known/smart-configuration')
  @ApiSmartConfiguration()
  configuration() {
    const base = this.deps.baseUrl;
    return {
      token_endpoint: `${base}/auth/token`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials', TOKEN_EXCHANGE],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGORITHMS,
      scopes_supported: ['system/*.cruds', 'system/*.rs', 'system/*.c', 'system/*.u'],
      capabilities: ['client-confidential-asymmetric'],
    };
  }

  @Get('.well-known/jwks.json')
  @ApiExcludeEndpoint()
  jwks() {
    return { keys: this.deps.tokens.publishedKeys };
  }

  @Post('auth/token')
  @HttpCode(200)
  @ApiSmartToken()
  async token(@Body() body: unknown, @Res() res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    const form = tokenRequestSchema.safeParse(body ?? {});
    if (!form.success) {
      const fields = [...new Set(form.error.issues.map((issue) => String(issue.path[0] ?? 'body')))].join(', ');
      const description = `every field must be one string, and grant_type is required; malformed: ${fields}`;
      res.status(400).json({ error: 'invalid_request', error_description: description });
      return;
    }
    try {
      res.json(
        form.data.grant_type === TOKEN_EXCHANGE
          ? await this.exchange(form.data)
          : await this.deps.tokens.issue(form.data),
      );
    } catch (error) {
      if (!(error instanceof TokenRequestError)) throw error;
      res
        .status(error.error === 'invalid_client' ? 401 : 400)
        .json({ error: error.error, error_description: error.description });
    }
  }

  /**
   * Token exchange (RFC 8693): a token the gateway accepts (a person's sign-in or a SMART client's) for a
   * one-minute token that only the named service (`resource`) accepts, for the same identity (a person's
   * `fhirUser` mapped to their staff id). This is how anything outside the gateway reaches a service.
   */
  private async exchange(form: Record<string, string | undefined>) {
    const subjectToken = form['subject_token'];
    if (!subjectToken || form['subject_token_type'] !== ACCESS_TOKEN_TYPE) {
      throw new TokenRequestError(
        'invalid_request',
        `subject_token and subject_token_type ${ACCESS_TOKEN_TYPE} are required`,
      );
    }
    const resource = form['resource'];
    if (!resource) throw new TokenRequestError('invalid_target', 'resource must name a CareCircle service');
    const caller = await this.authenticator.authenticateToken(subjectToken);
    if (!caller) throw new TokenRequestError('invalid_grant', 'The subject token is not valid here');
    const minted = await this.internalTokens.forCaller(caller, resource, expiryOf(subjectToken));
    return {
      access_token: minted.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'bearer',
      expires_in: minted.expiresIn,
    };
  }
}
