import {
  BadRequestException,
  Controller,
  Get,
  Header,
  Inject,
  NotFoundException,
  Param,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { readFileSync } from 'node:fs';
import { auditBase } from '../fhir-http/access.guard';
import { Unmetered } from '../fhir-http/rate-limit.guard';
import { readGatewayConfig } from '../gateway.config';
import { GATEWAY_AUTH, type GatewayAuth } from '../auth/gateway-auth';
import { loadConsoleModules } from './console-modules';
import { WEB_UI_CSS, webUiPage } from './page';
import { Public } from '@carecircle/platform/service-kit';

/** The console's ES modules (`/ui/console/<version>/main.js` and what it imports), compiled from ./console. */
const CONSOLE_MODULES = loadConsoleModules();
const PAGE = webUiPage(`/ui/console/${CONSOLE_MODULES.version}/main.js`);
/** panva's oauth4webapi (MIT, one dependency-free ES module): the browser's OAuth 2.0 / OpenID Connect client, served as published. */
const OAUTH_CLIENT = readFileSync(require.resolve('oauth4webapi'), 'utf8');

/** The console page's policy: all from the gateway itself, nothing inline, no plugins, framing, other base or form target. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The page's policy when the browser also talks to sign-in providers and launching EHRs: those origins only, for fetch. */
export function consoleCsp(providerOrigins: readonly string[]): string {
  if (providerOrigins.length === 0) return CONSOLE_CSP;
  return CONSOLE_CSP.replace("connect-src 'self'", `connect-src 'self' ${[...new Set(providerOrigins)].join(' ')}`);
}

/**
 * The web UI at `/`: the page, its stylesheet and its scripts; `/ui/sign-in.json` tells the page how
 * people sign in (development issuer, the configured provider, registered EHRs), and `/launch` is the
 * console's SMART App Launch URL, which opens only for a registered EHR's `iss`.
 */
@ApiExcludeController()
@Public()
@Controller()
export class WebUiHttpController {
  private readonly signIn = readGatewayConfig().consoleSignIn;
  private readonly csp = consoleCsp(
    [...(this.signIn.provider ? [this.signIn.provider.issuer] : []), ...this.signIn.ehrs.map((ehr) => ehr.iss)].map(
      (url) => new URL(url).origin,
    ),
  );

  constructor(@Inject(GATEWAY_AUTH) private readonly auth: GatewayAuth) {}

  // No inline script or style: the page loads its scripts and stylesheet from here only, and is never framed.
  @Get()
  page(@Res() response: Response): void {
    this.sendPage(response);
  }

  /**
   * EHR launch (`?iss=…&launch=…`): the page then runs the authorization at that EHR. An `iss` not registered
   * in GATEWAY_SMART_EHRS is refused here (audited), so the console never fetches or redirects to it.
   */
  @Get('launch')
  async launch(
    @Query('iss') iss: unknown,
    @Query('launch') launch: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const registered = typeof iss === 'string' && this.signIn.ehrs.some((ehr) => ehr.iss === iss.replace(/\/+$/, ''));
    if (!registered || typeof launch !== 'string' || !/^[\x21-\x7e]{1,1024}$/.test(launch)) {
      await this.auth.audit.append({
        ...auditBase(request),
        recordedAt: this.auth.clock.now(),
        action: 'E',
        outcome: '4',
        agent: 'anonymous',
        resourceTypes: ['SmartLaunch'],
        memberIds: [],
      });
      throw new BadRequestException(
        registered
          ? 'The launch parameter is missing or malformed'
          : 'This EHR is not registered to launch CareCircle (GATEWAY_SMART_EHRS)',
      );
    }
    this.sendPage(response);
  }

  /** Public settings only: issuers, public client ids, scopes and the redirect URI (no secret exists: PKCE, public clients). */
  @Get('ui/sign-in.json')
  signInSettings() {
    const { provider, redirectUri, ehrs } = this.signIn;
    return {
      redirectUri,
      ...(provider ? { provider } : {}),
      ehrs: ehrs.map(({ iss, clientId, name, scope }) => ({ iss, clientId, name, scope })),
    };
  }

  /**
   * One of the console's modules. The version in the URL names their build, so the browser keeps them (a page
   * load asks for each once, not on every navigation); another build's URL is not found.
   */
  @Get('ui/console/:version/:file')
  @Unmetered()
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=31536000, immutable')
  consoleModule(@Param('version') version: string, @Param('file') file: string): string {
    const code = version === CONSOLE_MODULES.version ? CONSOLE_MODULES.files.get(file) : undefined;
    if (code === undefined) throw new NotFoundException('No such console module');
    return code;
  }

  @Get('ui/vendor/oauth4webapi.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  oauthClient(): string {
    return OAUTH_CLIENT;
  }

  private sendPage(response: Response): void {
    // The authorization code and state come back in the query: never send them on as a Referer.
    response.set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': this.csp,
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
    response.send(PAGE);
  }

  @Get('ui/timeline-ui.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  css(): string {
    return WEB_UI_CSS;
  }
}
