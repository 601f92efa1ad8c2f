import { BadRequestException, Controller, Get, Inject, Param, Query, Req, Res, type BeforeApplicationShutdown } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiParam, ApiProduces, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { alertRecipientRolesShownTo, isShownTo, viewOf } from '@carecircle/gateway/domain';
import { InvalidCursorError, latestTimelineChange, readTimeline, readTimelineChanges } from '@carecircle/gateway/read-models';
import { TimelineReader } from './timeline-reader';
import { TimelineQueryDto } from './timeline.request.dto';
import { TIMELINE_DEPS, type TimelineDeps } from './timeline.deps';

const MEMBER_ID = /^mbr_[A-Za-z0-9_-]{6,64}$/;
const HEARTBEAT_MS = 15_000;

function memberIdOf(value: string): string {
  if (!MEMBER_ID.test(value)) throw new BadRequestException('id must be a pseudonymous member id (mbr_…)');
  return value;
}

/** A member's care timeline, redacted for the reader at read time; every read is audited. */
@ApiTags('timeline')
@ApiBearerAuth()
@Controller('api/members/:id/timeline')
export class TimelineHttpController implements BeforeApplicationShutdown {
  private readonly streams = new Set<() => void>();

  constructor(
    @Inject(TIMELINE_DEPS) private readonly deps: TimelineDeps,
    private readonly reader: TimelineReader,
  ) {}

  @Get()
  @ApiParam({ name: 'id', description: 'Pseudonymous member id', example: 'mbr_synthetic_0001' })
  @ApiOkResponse({ description: 'Entries oldest first, and `nextCursor` when more follow' })
  @ApiUnauthorizedResponse({ description: 'No valid token' })
  @ApiForbiddenResponse({ description: 'Not on the care team, not the member’s facilitator, or a programme lead' })
  async timeline(@Param('id') id: string, @Query() query: TimelineQueryDto, @Req() request: Request) {
    const memberId = memberIdOf(id);
    const { viewer } = await this.reader.authorize(request, memberId);
    const alertRecipientRoles = alertRecipientRolesShownTo(viewer);
    try {
      const page = await readTimeline(this.deps.sql, memberId, {
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
        ...(query.types ? { kinds: query.types } : {}),
        ...(query.cursor ? { cursor: query.cursor } : {}),
        limit: query.limit ?? 50,
        ...(alertRecipientRoles ? { alertRecipientRoles } : {}),
      });
      return { memberId, entries: page.entries.map((entry) => viewOf(entry, viewer)), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new BadRequestException(error.message);
      throw error;
    }
  }

  /**
   * Server-sent events: `event: entry` with an entry (new, or an alert whose lifecycle moved) as the
   * reader may see it; `id` is the change number, so `Last-Event-ID` resumes after a reconnect.
   */
  @Get('stream')
  @ApiParam({ name: 'id', description: 'Pseudonymous member id' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'A text/event-stream of timeline entries as they arrive' })
  @ApiUnauthorizedResponse({ description: 'No valid token' })
  @ApiForbiddenResponse({ description: 'The reader may not see this member' })
  async stream(@Param('id') id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const memberId = memberIdOf(id);
    const { viewer } = await this.reader.authorize(request, memberId);
    const resumeFrom = request.header('last-event-id');
    let last = resumeFrom && /^\d{1,18}$/.test(resumeFrom) ? resumeFrom : await latestTimelineChange(this.deps.sql, memberId);
    response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    response.write(`retry: 3000\n: ready\n\n`);
    let polling = false;
    const poll = async () => {
      if (polling) return;
      polling = true;
      try {
        const changes = await readTimelineChanges(this.deps.sql, memberId, last);
        for (const entry of changes.entries.filter((candidate) => isShownTo(candidate, viewer))) response.write(`event: entry\ndata: ${JSON.stringify(viewOf(entry, viewer))}\n\n`);
        if (changes.entries.length) response.write(`id: ${changes.lastChange}\n\n`);
        last = changes.lastChange;
      } catch {
        response.write(`: retrying\n\n`);
      } finally {
        polling = false;
      }
    };
    const pollTimer = setInterval(() => void poll(), this.deps.streamPollMs);
    const heartbeat = setInterval(() => response.write(`: keep-alive\n\n`), HEARTBEAT_MS);
    const close = () => {
      clearInterval(pollTimer);
      clearInterval(heartbeat);
      this.streams.delete(close);
      response.end();
    };
    this.streams.add(close);
    request.once('close', close);
  }

  /** Open streams would hold the HTTP server open: end them before it closes. */
  beforeApplicationShutdown(): void {
    for (const close of [...this.streams]) close();
  }
}
