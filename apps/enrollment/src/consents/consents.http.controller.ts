import { Body, Controller, HttpCode, Inject, Param, ParseEnumPipe, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ConsentCommandResponseDto } from '../enrollment.response.dto';
import { recordConsent, withdrawConsent, type RequestContext } from '@carecircle/enrollment/application';
import type { ConsentKind } from '@carecircle/enrollment/domain';
import { Access, CommandContext, ApiServiceErrors, ApiDomainError } from '@carecircle/platform/service-kit';
import { unwrap } from '../outcome-response';
import { ENROLLMENT_DEPS, type EnrollmentDeps } from '../enrollment.deps';
import { CONSENT_KINDS, RecordConsentRequestDto, WithdrawConsentRequestDto } from './consents.request.dto';

@ApiTags('enrollment: consent')
@ApiServiceErrors()
@Controller('api/enrollment/referrals/:referralId/consents')
export class ConsentsHttpController {
  private readonly record: ReturnType<typeof recordConsent>;
  private readonly withdraw: ReturnType<typeof withdrawConsent>;

  constructor(@Inject(ENROLLMENT_DEPS) deps: EnrollmentDeps) {
    this.record = recordConsent(deps);
    this.withdraw = withdrawConsent(deps);
  }

  @Post()
  @Access('consent.write', { member: 'referralId', via: 'referral' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Record a consent or confidentiality agreement' })
  @ApiAcceptedResponse({
    description: 'Consent or confidentiality agreement recorded (who, when, version, sharing scope).',
    type: ConsentCommandResponseDto,
  })
  @ApiDomainError(404, 'Unknown referral.')
  async recordConsent(
    @Param('referralId', new ParseUUIDPipe()) referralId: string,
    @Body() body: RecordConsentRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    const { changed } = unwrap(await this.record({ referralId, ...body }, context));
    return { referralId, kind: body.kind, status: changed ? 'recorded' : 'already-recorded' };
  }

  @Post(':kind/withdrawal')
  @Access('consent.write', { member: 'referralId', via: 'referral' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Withdraw a consent' })
  @ApiAcceptedResponse({
    description: 'Consent withdrawn: sharing stops and the member leaves their group or its waitlist.',
    type: ConsentCommandResponseDto,
  })
  @ApiDomainError(404, 'Unknown referral.')
  @ApiParam({ name: 'kind', enum: CONSENT_KINDS, description: 'The consent to withdraw.' })
  async withdrawConsent(
    @Param('referralId', new ParseUUIDPipe()) referralId: string,
    @Param('kind', new ParseEnumPipe(Object.fromEntries(CONSENT_KINDS.map((kind) => [kind, kind])))) kind: ConsentKind,
    @Body() body: WithdrawConsentRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    const { changed } = unwrap(await this.withdraw({ referralId, kind, withdrawnBy: body.withdrawnBy }, context));
    return { referralId, kind, status: changed ? 'withdrawn' : 'not-on-record' };
  }
}
