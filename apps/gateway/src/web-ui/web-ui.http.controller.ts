import { BadRequestException, Controller, Get, Header, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditBase } from '../fhir-http/access.guard';
import { readGatewayConfig } from '../gateway.config';
import { GATEWAY_AUTH, type GatewayAuth } from '../auth/gateway-auth';
import { WEB_UI_CSS, WEB_UI_PAGE } from './page';
import { Public } from '@carecircle/platform/service-kit';

/** Plain JavaScript, served as written (no bundler); copied next to the compiled controller by the build. */
const SCRIPT = readFileSync(join(__dirname, 'assets', 'timeline-ui.js'), 'utf8');
const CONSOLE_SCRIPT = readFileSync(join(__dirname, 'assets', 'care-console.js'), 'utf8');
const SIGN_IN_SCRIPT = readFileSync(join(__dirname, 'assets', 'sign-in.js'), 'utf8');
/** panva's oauth4webapi (MIT, one dependency-free ES module): the browser's OAuth 2.0 / OpenID Connect client, served as published. */
const OAUTH_CLIENT = readFileSync(require.resolve('oauth4webapi'), 'utf8');
/**
 * Hands the ES module to the classic scripts (`window.ccOAuth`). Kept here, not in assets/: the build
 * compiles assets/*.js to CommonJS, which would turn an `import` into a `require` the browser lacks.
 */
const OAUTH_CLIENT_LOADER = "import * as oauth from '/ui/vendor/oauth4webapi.js';\nwindow.ccOAuth = oauth;\n";

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

  @Get('ui/sign-in.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  signInScript(): string {
    return SIGN_IN_SCRIPT;
  }

  @Get('ui/oauth-client.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  oauthClientLoader(): string {
    return OAUTH_CLIENT_LOADER;
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
    response.send(WEB_UI_PAGE);
  }

  @Get('ui/timeline-ui.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  css(): string {
    return WEB_UI_CSS;
  }

  @Get('ui/timeline-ui.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  script(): string {
    return SCRIPT;
  }

  @Get('ui/care-console.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  consoleScript(): string {
    return CONSOLE_SCRIPT;
  }
}
