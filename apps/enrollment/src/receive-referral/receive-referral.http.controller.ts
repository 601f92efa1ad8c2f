import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { receiveReferral, type RequestContext } from '@carecircle/enrollment/application';
import { CommandContext } from '../request-context.decorator';
import { unwrap } from '../outcome-response';
import { ENROLLMENT_DEPS, type EnrollmentDeps } from '../enrollment.deps';
import { ReceiveReferralRequestDto } from './receive-referral.request.dto';

@ApiTags('referrals')
@Controller('api/referrals')
export class ReceiveReferralHttpController {
  private readonly receive: ReturnType<typeof receiveReferral>;

  constructor(@Inject(ENROLLMENT_DEPS) deps: EnrollmentDeps) {
    this.receive = receiveReferral(deps);
  }

  @Post()
  @HttpCode(202)
  @ApiCreatedResponse({ description: 'Accepted and durably recorded; published to the other services shortly after.' })
  @ApiUnprocessableEntityResponse({ description: 'A different referral already uses this referral id (409).' })
  async receiveReferral(@Body() body: ReceiveReferralRequestDto, @CommandContext() context: RequestContext) {
    const { changed } = unwrap(await this.receive({ ...body }, context));
    return { referralId: body.referralId, status: changed ? 'received' : 'already-received' };
  }
}
