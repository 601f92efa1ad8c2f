import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GroupSeatsResponseDto, PlacementResponseDto, SeatCommandResponseDto } from '../enrollment.response.dto';
import {
  acceptOffer,
  actOnGroupSeats,
  groupSeats,
  placeMember,
  type PlacementOutcome,
  type RequestContext,
} from '@carecircle/enrollment/application';
import type { PlacementRedirect } from '@carecircle/enrollment/domain';
import {
  Access,
  CommandContext,
  CurrentAccess,
  type RequestAccess,
  ApiServiceErrors,
  ApiDomainError,
} from '@carecircle/platform/service-kit';
import { orThrow, unwrap } from '../outcome-response';
import { ENROLLMENT_DEPS, type EnrollmentDeps } from '../enrollment.deps';
import { groupIdPipe, memberIdPipe } from './ids.pipe';
import { JoinWaitlistRequestDto, PlaceMemberRequestDto, WithdrawMemberRequestDto } from './placement.request.dto';

@ApiTags('enrollment: groups, seats and waitlist')
@ApiServiceErrors()
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
  @Access('placement.write', { member: 'referralId', via: 'referral', from: 'body' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Enrol a referred member in a group' })
  @ApiAcceptedResponse({
    type: PlacementResponseDto,
    description:
      'Enrolled: the member holds a seat (or already did). Asked into a closed group that has started, the member goes to its next course, ' +
      'else another group that fits, else its waitlist for the next course: `placedIn` and `redirect` (kind, reason, in words) say where and why.',
  })
  @ApiDomainError(409, 'The group is full, or scheduling closed it and no other group fits.')
  @ApiDomainError(422, 'Not screened, screening blocks placement, consent missing, or the group does not fit.')
  @ApiDomainError(404, 'Unknown referral or group.')
  async enrol(
    @Param('groupId', groupIdPipe) groupId: string,
    @Body() body: PlaceMemberRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    const outcome = await this.place({ referralId: body.referralId, groupId, mode: 'enrol' }, context);
    const { changed } = unwrap(outcome);
    if (!outcome.ok || !outcome.redirect)
      return { groupId, referralId: body.referralId, status: changed ? 'enrolled' : 'already-enrolled' };
    return { groupId, referralId: body.referralId, ...whereTheMemberWent(outcome, outcome.redirect) };
  }

  @Post('waitlist')
  @Access('placement.write', { member: 'referralId', via: 'referral', from: 'body' })
  @HttpCode(202)
  @ApiOperation({ summary: "Put a referred member on a group's waitlist" })
  @ApiAcceptedResponse({
    description:
      'On the waitlist (or offered a seat right away if one was free); redirected from a closed group that has started as enrolment is.',
    type: PlacementResponseDto,
  })
  @ApiDomainError(404, 'Unknown referral or group.')
  @ApiDomainError(422, 'Not screened, screening blocks placement, consent missing, or the group does not fit.')
  async waitlist(
    @Param('groupId', groupIdPipe) groupId: string,
    @Body() body: JoinWaitlistRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    const outcome = await this.place(
      { referralId: body.referralId, groupId, mode: 'waitlist', ...(body.priority ? { priority: body.priority } : {}) },
      context,
    );
    const { events } = unwrap(outcome);
    return {
      groupId,
      referralId: body.referralId,
      events: events.map((event) => event.type),
      ...(outcome.ok && outcome.redirect ? whereTheMemberWent(outcome, outcome.redirect) : {}),
    };
  }

  @Post('offers/:memberId/acceptance')
  @Access('placement.write', { member: 'memberId' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Accept a seat offer' })
  @ApiAcceptedResponse({ description: 'The member holds the seat (or already did).', type: SeatCommandResponseDto })
  @ApiDomainError(409, 'The offer has expired, or the member holds a seat in another group.')
  @ApiDomainError(
    422,
    'The member is no longer eligible (screening outcome, consent or a screening constraint), with the reason.',
  )
  async accept(
    @Param('groupId', groupIdPipe) groupId: string,
    @Param('memberId', memberIdPipe) memberId: string,
    @CommandContext() context: RequestContext,
  ) {
    const { changed } = unwrap(await this.acceptSeat({ groupId, memberId }, context));
    return { groupId, memberId, status: changed ? 'enrolled' : 'already-enrolled' };
  }

  @Post('offers/:memberId/decline')
  @Access('placement.write', { member: 'memberId' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Decline a seat offer' })
  @ApiAcceptedResponse({
    description: 'Declined: the seat is offered to the next member on the waitlist.',
    type: SeatCommandResponseDto,
  })
  @ApiDomainError(404, 'Unknown group or no open offer for the member.')
  async decline(
    @Param('groupId', groupIdPipe) groupId: string,
    @Param('memberId', memberIdPipe) memberId: string,
    @CommandContext() context: RequestContext,
  ) {
    unwrap(await this.act(groupId, { type: 'DeclineOffer', memberId }, context));
    return { groupId, memberId, status: 'declined' };
  }

  @Post('withdrawals')
  @Access('placement.write', { member: 'memberId', from: 'body' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Withdraw a member from a group or its waitlist' })
  @ApiAcceptedResponse({
    description: 'The member left the group (its freed seat is offered to the waitlist) or its waitlist.',
    type: SeatCommandResponseDto,
  })
  @ApiDomainError(404, 'Unknown group.')
  async withdraw(
    @Param('groupId', groupIdPipe) groupId: string,
    @Body() body: WithdrawMemberRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    const { changed } = unwrap(
      await this.act(groupId, { type: 'LeaveGroup', memberId: body.memberId, reason: body.reason }, context),
    );
    return { groupId, memberId: body.memberId, status: changed ? 'withdrawn' : 'not-in-group' };
  }

  @Get()
  @Access('group.read', { group: 'groupId' })
  @ApiOperation({ summary: "Read a group's seats" })
  @ApiOkResponse({
    description:
      'Roster, waitlist in serving order, open offers and the seat history; counts only for callers who do not run the group.',
    type: GroupSeatsResponseDto,
  })
  @ApiDomainError(404, 'Unknown group.')
  async get(@Param('groupId', groupIdPipe) groupId: string, @CurrentAccess() access: RequestAccess | undefined) {
    const seats = orThrow(await this.seats(groupId));
    if (seesWhoIsInTheGroup(access)) return seats;
    return {
      groupId,
      seats: seats.seats,
      enrolled: seats.roster.length,
      waitlisted: seats.waitlist.length,
      openOffers: seats.offers.length,
    };
  }
}

/**
 * Who is in a therapy group is itself health information: its facilitators and integration clients
 * granted Group reads see the members; any clinician, a programme lead or the gateway see counts.
 * Unchecked (token verification off, development) answers in full.
 */
function seesWhoIsInTheGroup(access: RequestAccess | undefined): boolean {
  if (!access) return true;
  const { principal } = access;
  return principal.kind === 'system' || (principal.kind === 'person' && principal.role === 'facilitator');
}

const REDIRECTED: Record<string, string> = {
  'next-course': 'the member was placed in its next course',
  'other-group': 'no next course is scheduled, so the member was placed in another group that fits',
  'waitlist-for-next-course':
    'no next course or other group that fits exists yet, so the member waits on its waitlist for the next course',
};
const WHY: Record<string, string> = {
  'closed-group-started': 'This is a closed group that has already started',
  'group-closed': 'This group has been closed',
};

/** Where a redirected member went, in the body of the 202: the group, seat or waitlist, and why in plain words. */
function whereTheMemberWent(outcome: Extract<PlacementOutcome, { ok: true }>, redirect: PlacementRedirect) {
  const { placedIn, events } = outcome;
  const waitlisted = events.find((event) => event.type === 'MemberWaitlisted');
  const offered =
    waitlisted &&
    events.some((event) => event.type === 'SeatOffered' && event.data.memberId === waitlisted.data.memberId);
  const joined = offered ? 'offered' : waitlisted ? 'waitlisted' : 'already-waitlisted';
  const status = outcome.placement === 'enrol' ? (events.length > 0 ? 'enrolled' : 'already-enrolled') : joined;
  return {
    status,
    placedIn,
    redirect: {
      kind: redirect.kind,
      reason: redirect.reason,
      message: `${WHY[redirect.reason]}: ${REDIRECTED[redirect.kind]} (${placedIn}).`,
    },
  };
}
