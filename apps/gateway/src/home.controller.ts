import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';

const HOME_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>CareCircle</title></head>
<body>
<h1>CareCircle</h1>
<p>Care coordination for psychosocial support groups: facilitators, psychiatrists, CBT therapists and palliative-care teams kept in sync.</p>
<ul>
<li><a href="/health">Health</a></li>
<li><a href="/api/docs">API documentation</a></li>
</ul>
</body>
</html>
`;

/** A placeholder landing page until the web UI is served from here. */
@ApiExcludeController()
@Controller()
export class HomeController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  home(): string {
    return HOME_PAGE;
  }
}
