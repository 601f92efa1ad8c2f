import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WEB_UI_CSS, WEB_UI_PAGE } from './page';
import { Public } from '@carecircle/platform/service-kit';

/** Plain JavaScript, served as written (no bundler); copied next to the compiled controller by the build. */
const SCRIPT = readFileSync(join(__dirname, 'assets', 'timeline-ui.js'), 'utf8');
const CONSOLE_SCRIPT = readFileSync(join(__dirname, 'assets', 'care-console.js'), 'utf8');

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

/** The web UI at `/`: the page, its stylesheet and its scripts. */
@ApiExcludeController()
@Public()
@Controller()
export class WebUiHttpController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  // No inline script or style: the page loads its scripts and stylesheet from here only, and is never framed.
  @Header('Content-Security-Policy', CONSOLE_CSP)
  page(): string {
    return WEB_UI_PAGE;
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
