import { Controller, Get, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Access, ApiHttpError } from '@carecircle/platform/service-kit';
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
  @ApiOperation({ summary: 'Read who the gateway takes the signed-in person for (id and role)' })
  @ApiOkResponse({
    description: 'The person’s CareCircle id and role; no clinical data',
    schema: {
      type: 'object',
      required: ['id', 'role'],
      properties: {
        id: { type: 'string' },
        role: { type: 'string', enum: ['facilitator', 'clinician', 'programme-lead', 'admin'] },
      },
      example: { id: 'fac_synthetic_sw_01', role: 'facilitator' },
    },
  })
  @ApiHttpError(
    401,
    'No valid token, or a token that gives no CareCircle role',
    'A valid bearer access token is required',
  )
  @ApiHttpError(403, 'An integration client, or a role without a console home', 'Access denied')
  me(@Req() request: Request) {
    return this.access.home(request);
  }
}
