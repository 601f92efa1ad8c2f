import { Body, Controller, Delete, Get, Header, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { bookContact, cancelContact, changeContact, memberIcalFeed, memberWeek, whatIfBooked, type RequestContext, type SchedulingDeps } from '@carecircle/scheduling/application';
import { Access, CommandContext, ApiServiceErrors } from '@carecircle/platform/service-kit';
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
  @ApiAcceptedResponse({ description: 'Booked; the load and any clash with a group session are published.' })
  async book(@Param('memberId', MemberIdPipe) memberId: string, @Body() body: BookContactRequestDto, @CommandContext() context: RequestContext) {
    const { contactId, kind, start, end } = body;
    return summary(unwrap(await bookContact(this.deps)(memberId, { contact: { contactId, kind, start, end } }, context)));
  }

  @Put('contacts/:contactId')
  @Access('member.contact.write', { member: 'memberId' })
  @HttpCode(202)
  async change(@Param('memberId', MemberIdPipe) memberId: string, @Param('contactId', OpaqueIdPipe) contactId: string, @Body() body: ContactTimeDto, @CommandContext() context: RequestContext) {
    return summary(unwrap(await changeContact(this.deps)(memberId, { contactId, time: { start: body.start, end: body.end } }, context)));
  }

  @Delete('contacts/:contactId')
  @Access('member.contact.write', { member: 'memberId' })
  @HttpCode(202)
  async cancel(@Param('memberId', MemberIdPipe) memberId: string, @Param('contactId', OpaqueIdPipe) contactId: string, @CommandContext() context: RequestContext) {
    return summary(unwrap(await cancelContact(this.deps)(memberId, { contactId }, context)));
  }

  @Post('load/what-if')
  @Access('member.load.read', { member: 'memberId' })
  @HttpCode(200)
  @ApiOkResponse({ description: 'The load with and without the proposed appointment, whether it would cross the cap, and clashes. Nothing is written.' })
  whatIf(@Param('memberId', MemberIdPipe) memberId: string, @Body() body: ProposedContactDto) {
    return whatIfBooked(this.deps, memberId, { kind: body.kind, start: body.start, end: body.end });
  }

  @Get('week')
  @Access('member.load.read', { member: 'memberId' })
  @ApiQuery({ name: 'from', example: '2026-03-30T00:00:00.000Z' })
  week(@Param('memberId', MemberIdPipe) memberId: string, @Query('from', IsoInstantPipe) from: string) {
    return memberWeek(this.deps, memberId, from);
  }

  @Get('calendar.ics')
  @Access('member.load.read', { member: 'memberId' })
  @Header('content-type', 'text/calendar; charset=utf-8')
  ics(@Param('memberId', MemberIdPipe) memberId: string) {
    return memberIcalFeed(this.deps, memberId);
  }
}
