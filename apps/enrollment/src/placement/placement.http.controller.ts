import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { acceptOffer, actOnGroupSeats, groupSeats, placeMember, type RequestContext } from '@carecircle/enrollment/application';
import { CommandContext } from '@carecircle/platform/service-kit';
import { orThrow, unwrap } from '../outcome-response';
import { ENROLLMENT_DEPS, type EnrollmentDeps } from '../enrollment.deps';
import { groupIdPipe, memberIdPipe } from './ids.pipe';
import { JoinWaitlistRequestDto, PlaceMemberRequestDto, WithdrawMemberRequestDto } from './placement.request.dto';

@ApiTags('enrollment: groups, seats and waitlist')
@Controller('api/enrollment/groups/:groupId')
export class PlacementHttpController {
  private readonly place: ReturnType<typeof placeMember>;
  private readonly act: ReturnType<typeof actOnGroupSeats>;
  private readonly acceptSeat: ReturnType<typeof acceptOffer>;
  private readonly seats: ReturnType<typeof groupSeats>;

  constructor(@Inject(ENROLLMENT_DEPS) deps: EnrollmentDeps) {
    this.place = placeMember(deps);
    this.act = actOnGroupSeats(deps);
    this.acceptSeat = acceptOffer(deps);
    this.seats = groupSeats(deps);
  }

  @Post('enrolments')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'Enrolled: the member holds a seat (or already did).' })
  @ApiConflictResponse({ description: 'The group is full, closed, or a closed group that has started.' })
  @ApiUnprocessableEntityResponse({ description: 'Not screened, screening blocks placement, consent missing, or the group does not fit.' })
  @ApiNotFoundResponse({ description: 'Unknown referral or group.' })
  async enrol(@Param('groupId', groupIdPipe) groupId: string, @Body() body: PlaceMemberRequestDto, @CommandContext() context: RequestContext) {
    const { changed } = unwrap(await this.place({ referralId: body.referralId, groupId, mode: 'enrol' }, context));
    return { groupId, referralId: body.referralId, status: changed ? 'enrolled' : 'already-enrolled' };
  }

  @Post('waitlist')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'On the waitlist (or offered a seat right away if one was free).' })
  async waitlist(@Param('groupId', groupIdPipe) groupId: string, @Body() body: JoinWaitlistRequestDto, @CommandContext() context: RequestContext) {
    const { events } = unwrap(await this.place({ referralId: body.referralId, groupId, mode: 'waitlist', ...(body.priority ? { priority: body.priority } : {}) }, context));
    return { groupId, referralId: body.referralId, events: events.map((event) => event.type) };
  }

  @Post('offers/:memberId/acceptance')
  @HttpCode(202)
  @ApiConflictResponse({ description: 'The offer has expired, or the member holds a seat in another group.' })
  @ApiUnprocessableEntityResponse({ description: 'The member is no longer eligible (screening outcome, consent or a screening constraint), with the reason.' })
  async accept(@Param('groupId', groupIdPipe) groupId: string, @Param('memberId', memberIdPipe) memberId: string, @CommandContext() context: RequestContext) {
    const { changed } = unwrap(await this.acceptSeat({ groupId, memberId }, context));
    return { groupId, memberId, status: changed ? 'enrolled' : 'already-enrolled' };
  }

  @Post('offers/:memberId/decline')
  @HttpCode(202)
  async decline(@Param('groupId', groupIdPipe) groupId: string, @Param('memberId', memberIdPipe) memberId: string, @CommandContext() context: RequestContext) {
    unwrap(await this.act(groupId, { type: 'DeclineOffer', memberId }, context));
    return { groupId, memberId, status: 'declined' };
  }

  @Post('withdrawals')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'The member left the group (its freed seat is offered to the waitlist) or its waitlist.' })
  async withdraw(@Param('groupId', groupIdPipe) groupId: string, @Body() body: WithdrawMemberRequestDto, @CommandContext() context: RequestContext) {
    const { changed } = unwrap(await this.act(groupId, { type: 'LeaveGroup', memberId: body.memberId, reason: body.reason }, context));
    return { groupId, memberId: body.memberId, status: changed ? 'withdrawn' : 'not-in-group' };
  }

  @Get()
  @ApiOkResponse({ description: 'Roster, waitlist in serving order, open offers and the seat history.' })
  @ApiNotFoundResponse({ description: 'Unknown group.' })
  async get(@Param('groupId', groupIdPipe) groupId: string) {
    return orThrow(await this.seats(groupId));
  }
}
