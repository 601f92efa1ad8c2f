import { Controller, Get, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { Access } from '@carecircle/platform/service-kit';
import { CareConsoleAccess } from '../care-console.access';

/**
 * Who the gateway takes the signed-in person for: the console's navigation follows the role the gateway
 * gives (after the configured claim mapping), not a claim the page reads from a token itself.
 */
@ApiTags('care console')
@ApiBearerAuth()
@Controller('api/care-console/me')
export class SignedInPersonHttpController {
  constructor(private readonly access: CareConsoleAccess) {}

  @Get()
  @Access('console.home.read', { self: 'caller' })
  @ApiOkResponse({ description: '`{id, role}`: the person’s CareCircle id and role; no clinical data' })
  @ApiUnauthorizedResponse({ description: 'No valid token, or a token that gives no CareCircle role' })
  @ApiForbiddenResponse({ description: 'An integration client, or a role without a console home' })
  me(@Req() request: Request) {
    return this.access.home(request);
  }
}
