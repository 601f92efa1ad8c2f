import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  Param,
  Query,
  Req,
  Res,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { TimelinePageResponseDto } from './timeline.response.dto';
import { ApiConsoleErrors } from '../fhir-http/api-responses';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { decodeJwt } from 'jose';
import {
  alertRecipientRolesShownTo,
  isShownTo,
  staffIdsNamedFor,
  viewOf,
  type TimelineEntry,
  type TimelineViewer,
} from '@carecircle/gateway/domain';
import {
  InvalidCursorError,
  latestTimelineChange,
  readTimeline,
  readTimelineChanges,
} from '@carecircle/gateway/read-models';
import { staffNamesOf } from '../staff-directory/staff-directory';
import { TimelineReader } from './timeline-reader';
import { TimelineQueryDto } from './timeline.request.dto';
import { TIMELINE_DEPS, type TimelineDeps } from './timeline.deps';
import { Access, ApiHttpError } from '@carecircle/platform/service-kit';

const MEMBER_ID = /^mbr_[A-Za-z0-9_-]{6,64}$/;
const HEARTBEAT_MS = 15_000;
/** How often an open stream asks whether its token still holds (sign-out, revocation). */
const TOKEN_RECHECK_MS = 3_000;

/** When the request's bearer token expires (seconds since the epoch), if it says; read after it was verified. */
function tokenExpiry(request: Request): number | undefined {
  const token = /^Bearer (\S+)$/i.exec(request.header('authorization') ?? '')?.[1];
  try {
    const exp = token ? decodeJwt(token).exp : undefined;
    return typeof exp === 'number' ? exp : undefined;
  } catch {
    return undefined;
  }
}

function memberIdOf(value: string): string {
  if (!MEMBER_ID.test(value)) throw new BadRequestException('id must be a pseudonymous member id (mbr_…)');
  return value;
}

/** A member's care timeline, redacted for the reader at read time; every read is audited. */
@ApiTags('timeline')
@ApiBearerAuth()
@ApiConsoleErrors()
@Controller('api/members/:id/timeline')
export class TimelineHttpController implements BeforeApplicationShutdown {
  private readonly streams = new Set<(reason?: 'token-expired' | 'token-invalid') => void>();

  constructor(
    @Inject(TIMELINE_DEPS) private readonly deps: TimelineDeps,
    private readonly reader: TimelineReader,
  ) {}

  @Get()
  @Access('member.timeline.read', { member: 'id' })
  @ApiParam({ name: 'id', description: 'Pseudonymous member id', example: 'mbr_synthetic_0001' })
  @ApiOperation({ summary: "Read a member's care timeline" })
  @ApiOkResponse({
    description: 'Entries oldest first, and `nextCursor` when more follow',
    type: TimelinePageResponseDto,
  })
  @ApiHttpError(401, 'No valid token', 'A valid bearer access token is required')
  @ApiHttpError(403, 'Not on the care team, not the member’s facilitator, or a programme lead', 'Access denied')
  async timeline(@Param('id') id: string, @Query() query: TimelineQueryDto, @Req() request: Request) {
    const memberId = memberIdOf(id);
    return this.reader.read(request, memberId, async (viewer) => {
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
        return {
          memberId,
          entries: await this.viewsOf(page.entries, viewer),
          ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        };
      } catch (error) {
        if (error instanceof InvalidCursorError) throw new BadRequestException(error.message);
        throw error;
      }
    });
  }

  /**
   * Server-sent events: `event: entry` with an entry (new, or an alert whose lifecycle moved) as the
   * reader may see it; `id` is the change number, so `Last-Event-ID` resumes after a reconnect. The
   * stream ends (`event: end`, with the reason) when the token expires or stops being valid (sign-out).
   */
  @Get('stream')
  @Access('member.timeline.read', { member: 'id' })
  @ApiParam({ name: 'id', description: 'Pseudonymous member id' })
  @ApiOperation({ summary: "Follow a member's care timeline as it changes (server-sent events)" })
  @ApiOkResponse({
    description: 'A text/event-stream of timeline entries as they arrive',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example: 'id: 42\nevent: entry\ndata: {"id":"0b9f3c52-71e4-4d8a-a6c2-5e13f07b9d24","kind":"alert"}\n\n',
      },
    },
  })
  @ApiHttpError(401, 'No valid token', 'A valid bearer access token is required')
  @ApiHttpError(403, 'The reader may not see this member', 'Access denied')
  async stream(@Param('id') id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const memberId = memberIdOf(id);
    const resumeFrom = request.header('last-event-id');
    const { viewer, from } = await this.reader.read(request, memberId, async (allowedView) => ({
      viewer: allowedView,
      from:
        resumeFrom && /^\d{1,18}$/.test(resumeFrom) ? resumeFrom : await latestTimelineChange(this.deps.sql, memberId),
    }));
    let last = from;
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write(`retry: 3000\n: ready\n\n`);
    let polling = false;
    const poll = async () => {
      if (polling) return;
      polling = true;
      try {
        const changes = await readTimelineChanges(this.deps.sql, memberId, last);
        const shown = changes.entries.filter((candidate) => isShownTo(candidate, viewer));
        for (const view of await this.viewsOf(shown, viewer))
          response.write(`event: entry\ndata: ${JSON.stringify(view)}\n\n`);
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
    // The stream lives no longer than its token: it ends at `exp`, and on sign-out (re-checked every few seconds).
    const exp = tokenExpiry(request);
    const untilExpiry = exp === undefined ? undefined : Math.max(0, exp * 1000 - this.deps.clock.now().getTime());
    const expiry = untilExpiry === undefined ? undefined : setTimeout(() => close('token-expired'), untilExpiry);
    const recheck = setInterval(() => {
      void this.reader.reauthenticate(request).then(
        (still) => (still ? undefined : close('token-invalid')),
        () => undefined, // an issuer briefly unreachable is not a sign-out; expiry still ends the stream
      );
    }, TOKEN_RECHECK_MS);
    let closed = false;
    const close = (reason?: 'token-expired' | 'token-invalid') => {
      if (closed) return;
      closed = true;
      clearInterval(pollTimer);
      clearInterval(heartbeat);
      clearInterval(recheck);
      if (expiry) clearTimeout(expiry);
      this.streams.delete(close);
      // The client is told why, so that it asks for a new sign-in instead of reconnecting with the old token.
      if (reason) response.write(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
      response.end();
    };
    this.streams.add(close);
    request.once('close', () => close());
  }

  /** The entries as this reader may see them, prescribers named where the reader sees medication detail. */
  private async viewsOf(entries: readonly TimelineEntry[], viewer: TimelineViewer) {
    const names = await staffNamesOf(this.deps, staffIdsNamedFor(entries, viewer));
    return entries.map((entry) => viewOf(entry, viewer, names));
  }

  /** Open streams would hold the HTTP server open: end them before it closes. */
  beforeApplicationShutdown(): void {
    for (const close of [...this.streams]) close();
  }
}
