import { Controller, Get, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Access, ApiHttpError } from '@carecircle/platform/service-kit';
import { CareConsoleAccess } from '../care-console.access';
import { PeopleNames } from '../people-names/people-names';

/**
 * Who the gateway takes the signed-in person for: the console's navigation follows the role the gateway
 * gives (after the configured claim mapping), not a claim the page reads from a token itself.
 */
@ApiTags('care console')
@ApiBearerAuth()
@Controller('api/care-console/me')
export class SignedInPersonHttpController {
  constructor(
    private readonly access: CareConsoleAccess,
    private readonly names: PeopleNames,
  ) {}

  @Get()
  @Access('console.home.read', { self: 'caller' })
  @ApiOperation({ summary: 'Read who the gateway takes the signed-in person for (id, role and name)' })
  @ApiOkResponse({
    description: 'The person’s CareCircle id, role and name; no clinical data',
    schema: {
      type: 'object',
      required: ['id', 'role'],
      properties: {
        id: { type: 'string' },
        name: { type: 'string', description: 'Their name, when the staff directory knows it' },
        role: { type: 'string', enum: ['facilitator', 'clinician', 'programme-lead', 'admin'] },
      },
      example: { id: 'fac_synthetic_sw_01', role: 'facilitator', name: 'Sam Okafor' },
    },
  })
  @ApiHttpError(
    401,
    'No valid token, or a token that gives no CareCircle role',
    'A valid bearer access token is required',
  )
  @ApiHttpError(403, 'An integration client, or a role without a console home', 'Access denied')
  async me(@Req() request: Request) {
    const me = await this.access.home(request);
    const name = await this.names.staffName(me.id);
    return { ...me, ...(name ? { name } : {}) };
  }
}
