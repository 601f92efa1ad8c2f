import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WEB_UI_CSS, WEB_UI_PAGE } from './page';

/** Plain JavaScript, served as written (no bundler); copied next to the compiled controller by the build. */
const SCRIPT = readFileSync(join(__dirname, 'assets', 'timeline-ui.js'), 'utf8');
const CONSOLE_SCRIPT = readFileSync(join(__dirname, 'assets', 'care-console.js'), 'utf8');

/** The web UI at `/`: the page, its stylesheet and its scripts. */
@ApiExcludeController()
@Controller()
export class WebUiHttpController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'")
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
