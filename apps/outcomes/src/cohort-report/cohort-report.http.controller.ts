import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { COHORT_REPORT_EXAMPLE, CohortReportResponseDto } from '../outcomes.response.dto';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { Response } from 'express';
import type { EntityManager } from 'typeorm';
import type { OutcomesDeps } from '@carecircle/outcomes/application';
import { Access, ApiServiceErrors } from '@carecircle/platform/service-kit';
import { cohortReport, cohortReportCsv, suppressSmallCells } from '@carecircle/outcomes/domain';
import { findCohortMembers } from '@carecircle/outcomes/read-models';
import { OUTCOMES_DEPS } from '../outcomes.deps';
import { CohortReportQueryDto } from './cohort-report.request.dto';

@ApiTags('cohort reports')
@ApiServiceErrors()
@Controller('api/outcomes/cohort-reports')
export class CohortReportHttpController {
  constructor(
    @InjectEntityManager() private readonly em: EntityManager,
    @Inject(OUTCOMES_DEPS) private readonly deps: OutcomesDeps,
  ) {}

  @Get()
  @Access('cohort.read', 'service')
  @ApiOperation({ summary: 'Export a de-identified cohort outcome report' })
  @ApiExtraModels(CohortReportResponseDto)
  @ApiOkResponse({
    description:
      'n, means, mean change with 95% CI, share meaningfully improved, dose split, missing data; cells and counts under the small-cell threshold withheld, and those that would give one back.',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(CohortReportResponseDto) }, example: COHORT_REPORT_EXAMPLE },
      'text/csv': { schema: { type: 'string', description: 'The same figures, one row per cell.' } },
    },
  })
  async report(@Query() query: CohortReportQueryDto, @Res({ passthrough: true }) response: Response) {
    const { format, ...filter } = query;
    const members = await findCohortMembers(this.em, filter);
    const exported = suppressSmallCells(
      cohortReport(filter.instrument, members, this.deps.config),
      this.deps.config.smallCellThreshold,
    );
    if (format !== 'csv') return exported;
    response.type('text/csv');
    return cohortReportCsv(exported);
  }
}
