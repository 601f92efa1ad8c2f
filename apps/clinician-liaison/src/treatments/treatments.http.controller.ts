import { Body, Controller, Delete, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { LiaisonCommandResponseDto, MedicationStartedResponseDto } from '../liaison.response.dto';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { coordinate, type LiaisonDeps, type RequestContext } from '@carecircle/clinician-liaison/application';
import { classifyMedication } from '@carecircle/clinician-liaison/domain';
import { LIAISON_DEPS } from '../liaison.deps';
import { MemberIdPipe, OpaqueIdPipe } from '../member-id.pipe';
import {
  Access,
  CommandContext,
  unwrapOutcome as unwrap,
  ApiServiceErrors,
  ApiDomainError,
} from '@carecircle/platform/service-kit';
import { ChangeDoseRequestDto, StartMedicationRequestDto, StartPlanRequestDto } from './treatments.request.dto';

@ApiTags('treatments')
@ApiServiceErrors()
@Controller('api/liaison/members/:memberId')
export class TreatmentsHttpController {
  private readonly run: ReturnType<typeof coordinate>;

  constructor(@Inject(LIAISON_DEPS) deps: LiaisonDeps) {
    this.run = coordinate(deps);
  }

  @Post('medications')
  @Access('member.medication.write', { member: 'memberId' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a medication for a member' })
  @ApiAcceptedResponse({
    description: 'Started and classified; conflicts with group work or therapies raise alerts.',
    type: MedicationStartedResponseDto,
  })
  @ApiDomainError(409, 'A different medication was already started under this id.')
  async start(
    @Param('memberId', MemberIdPipe) memberId: string,
    @Body() body: StartMedicationRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    const order = {
      rxnormCode: body.rxnormCode ?? null,
      name: body.name,
      dailyDose: body.dailyDose ?? null,
      doseUnit: body.doseUnit,
      route: body.route,
      frequency: body.frequency,
      prescriberId: body.prescriberId,
    };
    const classification = classifyMedication(order);
    const result = unwrap(
      await this.run('StartMedication', { memberId, medicationId: body.medicationId, order, classification }, context),
    );
    return { ...result, classification: classification.status };
  }

  @Put('medications/:medicationId/dose')
  @Access('member.medication.write', { member: 'memberId' })
  @HttpCode(202)
  @ApiOperation({ summary: "Change a medication's dose" })
  @ApiAcceptedResponse({ description: 'Changed, or unchanged.', type: LiaisonCommandResponseDto })
  @ApiDomainError(404, 'Unknown medication.')
  @ApiDomainError(422, 'The medication was stopped.')
  async changeDose(
    @Param('memberId', MemberIdPipe) memberId: string,
    @Param('medicationId', OpaqueIdPipe) medicationId: string,
    @Body() body: ChangeDoseRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    return unwrap(
      await this.run(
        'ChangeMedicationDose',
        {
          memberId,
          medicationId,
          dailyDose: body.dailyDose ?? null,
          doseUnit: body.doseUnit,
          frequency: body.frequency,
          prescriberId: body.prescriberId,
        },
        context,
      ),
    );
  }

  @Delete('medications/:medicationId')
  @Access('member.medication.write', { member: 'memberId' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Stop a medication' })
  @ApiAcceptedResponse({ description: 'Stopped, or already.', type: LiaisonCommandResponseDto })
  @ApiDomainError(404, 'Unknown medication.')
  async stop(
    @Param('memberId', MemberIdPipe) memberId: string,
    @Param('medicationId', OpaqueIdPipe) medicationId: string,
    @CommandContext() context: RequestContext,
  ) {
    return unwrap(await this.run('StopMedication', { memberId, medicationId }, context));
  }

  @Post('cbt-courses')
  @Access('member.treatment-plan.write', { member: 'memberId' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a CBT course for a member' })
  @ApiAcceptedResponse({ description: 'Started, or already.', type: LiaisonCommandResponseDto })
  async cbt(
    @Param('memberId', MemberIdPipe) memberId: string,
    @Body() body: StartPlanRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    return unwrap(
      await this.run(
        'StartCbtCourse',
        { memberId, courseId: body.planId, therapistId: body.therapistId ?? 'unassigned' },
        context,
      ),
    );
  }

  @Post('palliative-plans')
  @Access('member.treatment-plan.write', { member: 'memberId' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a palliative care plan for a member' })
  @ApiAcceptedResponse({ description: 'Started, or already.', type: LiaisonCommandResponseDto })
  async palliative(
    @Param('memberId', MemberIdPipe) memberId: string,
    @Body() body: StartPlanRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    return unwrap(
      await this.run(
        'StartPalliativePlan',
        { memberId, planId: body.planId, goalsOfCare: body.goalsOfCare ?? '' },
        context,
      ),
    );
  }

  @Put('palliative-plans/:planId/goals-of-care')
  @Access('member.treatment-plan.write', { member: 'memberId' })
  @HttpCode(202)
  @ApiOperation({ summary: "Change a palliative plan's goals of care" })
  @ApiAcceptedResponse({ description: 'Changed, or unchanged.', type: LiaisonCommandResponseDto })
  @ApiDomainError(404, 'Unknown palliative plan.')
  async goals(
    @Param('memberId', MemberIdPipe) memberId: string,
    @Param('planId', OpaqueIdPipe) planId: string,
    @Body() body: StartPlanRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    return unwrap(
      await this.run('ChangeGoalsOfCare', { memberId, planId, goalsOfCare: body.goalsOfCare ?? '' }, context),
    );
  }
}
