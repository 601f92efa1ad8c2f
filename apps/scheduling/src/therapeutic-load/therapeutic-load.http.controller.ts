import { Body, Controller, Delete, Get, Header, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import {
  ICS_EXAMPLE,
  MemberWeekResponseDto,
  SchedulingEventsResponseDto,
  WhatIfLoadResponseDto,
} from '../scheduling.response.dto';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  bookContact,
  cancelContact,
  changeContact,
  memberIcalFeed,
  memberWeek,
  whatIfBooked,
  type RequestContext,
  type SchedulingDeps,
} from '@carecircle/scheduling/application';
import { Access, CommandContext, ApiServiceErrors, ApiDomainError } from '@carecircle/platform/service-kit';
import { SCHEDULING_DEPS } from '../scheduling.deps';
import { MemberIdPipe, OpaqueIdPipe, summary, unwrap } from '../scheduling-request';
import { BookContactRequestDto, ContactTimeDto, ProposedContactDto } from './therapeutic-load.request.dto';
import { IsoInstantPipe } from './iso-instant.pipe';

/** A member's other therapeutic contacts (CBT, psychiatry, palliative, counseling), their load and their calendar. */
@ApiTags('members')
@ApiServiceErrors()
@Controller('api/scheduling/members/:memberId')
export class TherapeuticLoadHttpController {
  constructor(@Inject(SCHEDULING_DEPS) private readonly deps: SchedulingDeps) {}

  @Post('contacts')
  @Access('member.contact.write', { member: 'memberId' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Book a therapeutic contact for a member' })
  @ApiAcceptedResponse({
    description: 'Booked; the load and any clash with a group session are published.',
    type: SchedulingEventsResponseDto,
  })
  @ApiDomainError(409, 'A different contact was already booked under this contact id.')
  @ApiDomainError(422, 'The contact ends before it starts.')
  async book(
    @Param('memberId', MemberIdPipe) memberId: string,
    @Body() body: BookContactRequestDto,
    @CommandContext() context: RequestContext,
  ) {
    const { contactId, kind, start, end } = body;
    return summary(
      unwrap(await bookContact(this.deps)(memberId, { contact: { contactId, kind, start, end } }, context)),
    );
  }

  @Put('contacts/:contactId')
  @Access('member.contact.write', { member: 'memberId' })
  @HttpCode(202)
  @ApiOperation({ summary: "Move a member's booked contact" })
  @ApiAcceptedResponse({ description: 'Moved; the load is re-assessed.', type: SchedulingEventsResponseDto })
  @ApiDomainError(404, 'Unknown contact.')
  @ApiDomainError(409, 'The contact was cancelled.')
  @ApiDomainError(422, 'The contact ends before it starts.')
  async change(
    @Param('memberId', MemberIdPipe) memberId: string,
    @Param('contactId', OpaqueIdPipe) contactId: string,
    @Body() body: ContactTimeDto,
    @CommandContext() context: RequestContext,
  ) {
    return summary(
      unwrap(
        await changeContact(this.deps)(memberId, { contactId, time: { start: body.start, end: body.end } }, context),
      ),
    );
  }

  @Delete('contacts/:contactId')
  @Access('member.contact.write', { member: 'memberId' })
  @HttpCode(202)
  @ApiOperation({ summary: "Cancel a member's booked contact" })
  @ApiAcceptedResponse({ description: 'Cancelled, or nothing when it already was.', type: SchedulingEventsResponseDto })
  @ApiDomainError(404, 'Unknown contact.')
  async cancel(
    @Param('memberId', MemberIdPipe) memberId: string,
    @Param('contactId', OpaqueIdPipe) contactId: string,
    @CommandContext() context: RequestContext,
  ) {
    return summary(unwrap(await cancelContact(this.deps)(memberId, { contactId }, context)));
  }

  @Post('load/what-if')
  @Access('member.load.read', { member: 'memberId' })
  @HttpCode(200)
  @ApiOperation({ summary: "Preview an appointment's effect on a member's load" })
  @ApiOkResponse({
    description:
      'The load with and without the proposed appointment, whether it would cross the cap, and clashes. Nothing is written.',
    type: WhatIfLoadResponseDto,
  })
  whatIf(@Param('memberId', MemberIdPipe) memberId: string, @Body() body: ProposedContactDto) {
    return whatIfBooked(this.deps, memberId, { kind: body.kind, start: body.start, end: body.end });
  }

  @Get('week')
  @Access('member.load.read', { member: 'memberId' })
  @ApiQuery({ name: 'from', example: '2026-03-30T00:00:00.000Z' })
  @ApiOperation({ summary: "Read a member's week and its load" })
  @ApiOkResponse({
    description: 'Group sessions and other contacts from `from` for the load window, with the load of that window.',
    type: MemberWeekResponseDto,
  })
  week(@Param('memberId', MemberIdPipe) memberId: string, @Query('from', IsoInstantPipe) from: string) {
    return memberWeek(this.deps, memberId, from);
  }

  @Get('calendar.ics')
  @Access('member.load.read', { member: 'memberId' })
  @Header('content-type', 'text/calendar; charset=utf-8')
  @ApiOperation({ summary: "Subscribe to a member's group sessions and contacts (iCalendar)" })
  @ApiOkResponse({
    description: "iCalendar feed of the member's group sessions and booked contacts.",
    content: { 'text/calendar': { schema: { type: 'string' }, example: ICS_EXAMPLE } },
  })
  ics(@Param('memberId', MemberIdPipe) memberId: string) {
    return memberIcalFeed(this.deps, memberId);
  }
}
