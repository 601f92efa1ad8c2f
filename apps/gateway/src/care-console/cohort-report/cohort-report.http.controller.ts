import { BadRequestException, Controller, Get, Query, Req, Res } from '@nestjs/common';
import { CONSOLE_COHORT_REPORT_EXAMPLE } from '../care-console.response.dto';
import { ApiConsoleErrors } from '../../fhir-http/api-responses';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CareConsoleAccess } from '../care-console.access';
import { ServicesClient } from '../services.client';
import { Access, ApiHttpError } from '@carecircle/platform/service-kit';

const FILTERS = ['instrument', 'groupId', 'groupType', 'condition', 'from', 'to'] as const;

/** Outcomes' cohort report for programme leads: aggregates with small cells suppressed, as JSON or CSV. */
@ApiTags('care console')
@ApiBearerAuth()
@ApiConsoleErrors()
@Controller('api/care-console/cohort-report')
export class CohortReportHttpController {
  constructor(
    private readonly access: CareConsoleAccess,
    private readonly services: ServicesClient,
  ) {}

  @Get()
  @Access('cohort.read', 'service')
  @ApiQuery({ name: 'instrument', example: 'phq-9' })
  @ApiQuery({ name: 'groupType', required: false })
  @ApiQuery({ name: 'condition', required: false })
  @ApiQuery({ name: 'groupId', required: false })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiOperation({ summary: 'Export a de-identified cohort outcome report' })
  @ApiOkResponse({
    description: 'n, means, mean change with 95% CI, share meaningfully improved, the dose split; CSV as a download',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          additionalProperties: true,
          description: "The outcomes service's cohort report (docs/openapi/outcomes.json).",
        },
        example: CONSOLE_COHORT_REPORT_EXAMPLE,
      },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiHttpError(403, 'Not a programme lead', 'Access denied')
  async report(
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    await this.access.cohort(request);
    const params = new URLSearchParams();
    for (const key of FILTERS) {
      const value = query[key];
      if (value === undefined) continue;
      if (typeof value !== 'string') throw new BadRequestException(`${key} must be given once`);
      params.set(key, value);
    }
    const instrument = params.get('instrument');
    if (!instrument) throw new BadRequestException('instrument is required (e.g. phq-9)');
    const csv = query['format'] === 'csv';
    if (query['format'] !== undefined && !csv && query['format'] !== 'json')
      throw new BadRequestException('format must be json or csv');
    if (csv) params.set('format', 'csv');
    const answer = await this.services.call<unknown>(request, 'outcomes', `/api/outcomes/cohort-reports?${params}`, {
      text: csv,
    });
    if (!csv) return answer;
    response.type('text/csv');
    response.setHeader(
      'Content-Disposition',
      `attachment; filename="cohort-report-${instrument.replace(/[^A-Za-z0-9-]/g, '')}.csv"`,
    );
    return answer;
  }
}
