import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  GroupProposalsResponseDto,
  ReferralCommandResponseDto,
  ReferralStatusResponseDto,
} from '../enrollment.response.dto';
import {
  proposeGroups,
  receiveReferral,
  referralStatus,
  screenMember,
  type RequestContext,
} from '@carecircle/enrollment/application';
import { Access, CommandContext, ApiServiceErrors, ApiDomainError } from '@carecircle/platform/service-kit';
import { orThrow, unwrap } from '../outcome-response';
import { ENROLLMENT_DEPS, type EnrollmentDeps } from '../enrollment.deps';
import { ReferMemberRequestDto } from './refer-member.request.dto';
import { ScreenMemberRequestDto } from './screening-facts.dto';

@ApiTags('enrollment: referrals and screening')
@ApiServiceErrors()
@Controller('api/enrollment/referrals')
export class ReferralsHttpController {
  private readonly receive: ReturnType<typeof receiveReferral>;
  private readonly screen: ReturnType<typeof screenMember>;
  private readonly status: ReturnType<typeof referralStatus>;
  private readonly propose: ReturnType<typeof proposeGroups>;

  constructor(@Inject(ENROLLMENT_DEPS) deps: EnrollmentDeps) {
    this.receive = receiveReferral(deps);
    this.screen = screenMember(deps);
    this.status = referralStatus(deps);
    this.propose = proposeGroups(deps);
  }

  @Post()
  @Access('referral.create', 'service')
  @HttpCode(202)
  @ApiOperation({ summary: 'Receive a referral and screen it' })
  @ApiAcceptedResponse({
    description:
      'Referral recorded and screened; the outcome and its reasons are in GET /api/enrollment/referrals/{id}.',
    type: ReferralCommandResponseDto,
  })
  async refer(@Body() body: ReferMemberRequestDto, @CommandContext() context: RequestContext) {
    const { changed } = unwrap(await this.receive({ ...body, screeningFacts: { ...body.screeningFacts } }, context));
    return { referralId: body.referralId, status: changed ? 'received' : 'already-received' };
  }

  @Post(':referralId/screenings')
  @Access('referral.screen', { member: 'referralId', via: 'referral' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Re-screen a referral with new scores' })
  @ApiAcceptedResponse({
    description: 'Re-screened with new scores (can lift a hold).',
    type: ReferralCommandResponseDto,
  })
  @ApiDomainError(404, 'Unknown referral.')
  async rescreen(
    @Param('referralId', new ParseUUIDPipe()) referralId: string,
    @Body() body: ScreenMemberRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    const { changed } = unwrap(await this.screen({ referralId, facts: { ...body.facts } }, context));
    return { referralId, status: changed ? 'screened' : 'unchanged' };
  }

  @Get(':referralId')
  @Access('referral.read', { member: 'referralId', via: 'referral' })
  @ApiOperation({ summary: "Read a referral's status" })
  @ApiOkResponse({
    description: 'Status, screening outcome with reasons, consents, placement and history.',
    type: ReferralStatusResponseDto,
  })
  @ApiDomainError(404, 'Unknown referral.')
  async get(@Param('referralId', new ParseUUIDPipe()) referralId: string) {
    return orThrow(await this.status(referralId));
  }

  @Get(':referralId/proposals')
  @Access('referral.read', { member: 'referralId', via: 'referral' })
  @ApiOperation({ summary: 'Propose groups for a referred member' })
  @ApiOkResponse({
    description: 'Best-fitting groups first, with reasons; and why the other groups do not fit.',
    type: GroupProposalsResponseDto,
  })
  @ApiDomainError(404, 'Unknown referral.')
  @ApiDomainError(422, 'Not placeable yet (screening outcome or missing consent), with the reason.')
  async proposals(@Param('referralId', new ParseUUIDPipe()) referralId: string) {
    return orThrow(await this.propose(referralId));
  }
}
