import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CLIENT_ASSERTION_ALGORITHMS, TokenRequestError } from '@carecircle/gateway/application';
import { GATEWAY_DEPS, type GatewayDeps } from '../gateway.deps';

/** SMART Backend Services discovery, the token endpoint and the gateway's public signing key. */
@ApiTags('auth')
@Controller()
export class SmartHttpController {
  constructor(@Inject(GATEWAY_DEPS) private readonly deps: GatewayDeps) {}

  @Get('.well-known/smart-configuration')
  configuration(@Req() req: Request) {
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    return {
      token_endpoint: `${base}/auth/token`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGORITHMS,
      scopes_supported: ['system/*.cruds', 'system/*.rs', 'system/*.c', 'system/*.u'],
      capabilities: ['client-confidential-asymmetric'],
    };
  }

  @Get('.well-known/jwks.json')
  @ApiExcludeEndpoint()
  jwks() {
    return { keys: [this.deps.tokens.publicJwk] };
  }

  @Post('auth/token')
  @HttpCode(200)
  async token(@Body() form: Record<string, string | undefined>, @Res() res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    try {
      res.json(await this.deps.tokens.issue(form ?? {}));
    } catch (error) {
      if (!(error instanceof TokenRequestError)) throw error;
      res.status(error.error === 'invalid_client' ? 401 : 400).json({ error: error.error, error_description: error.description });
    }
  }
}
