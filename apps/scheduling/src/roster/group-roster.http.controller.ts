import { Controller, Get, Param } from '@nestjs/common';
import { GroupRosterResponseDto } from '../scheduling.response.dto';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { findGroupRoster } from '@carecircle/scheduling/read-models';
import { Access, ApiServiceErrors } from '@carecircle/platform/service-kit';
import { GroupIdPipe } from './group-id.pipe';

@ApiTags('groups')
@ApiServiceErrors()
@Controller('api/scheduling/groups/:groupId/roster')
export class GroupRosterHttpController {
  constructor(@InjectEntityManager() private readonly em: EntityManager) {}

  @Get()
  @Access('group.roster.read', { group: 'groupId' })
  @ApiOperation({ summary: "Read a group's roster" })
  @ApiOkResponse({
    description: "The group's members as enrollment reported them (enrolled and withdrawn).",
    type: GroupRosterResponseDto,
  })
  roster(@Param('groupId', GroupIdPipe) groupId: string) {
    return findGroupRoster(this.em, groupId);
  }
}
