import { Controller, Get, Param, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Access, ApiHttpError } from '@carecircle/platform/service-kit';
import { ApiConsoleErrors } from '../../fhir-http/api-responses';
import { CareConsoleAccess } from '../care-console.access';
import { memberIdOf } from '../care-console.params';
import { MemberMedicationsResponseDto } from '../care-console.response.dto';
import { PeopleNames } from '../people-names/people-names';
import { ServicesClient } from '../services.client';

/** A member's medications for their care team: drug, dose, start, class and who prescribed (by name). */
@ApiTags('care console')
@ApiBearerAuth()
@ApiConsoleErrors()
@Controller('api/care-console/members/:memberId/medications')
export class MemberMedicationsHttpController {
  constructor(
    private readonly access: CareConsoleAccess,
    private readonly services: ServicesClient,
    private readonly names: PeopleNames,
  ) {}

  @Get()
  @Access('member.medications.read', { member: 'memberId' })
  @ApiParam({ name: 'memberId', example: 'mbr_synthetic_0001' })
  @ApiOperation({ summary: "List a member's medications" })
  @ApiOkResponse({ description: 'Active first, then the latest started first', type: MemberMedicationsResponseDto })
  @ApiHttpError(403, 'Not on the member’s care team: facilitators never read medications', 'Access denied')
  async medications(@Param('memberId') member: string, @Req() request: Request) {
    const memberId = memberIdOf(member);
    // Decided (a facilitator is refused) and audited here before liaison, which decides again itself.
    await this.access.member(request, memberId, 'member.medications.read', 'R', ['MedicationStatement']);
    const medications = await this.services.call<{ prescriberId: string }[]>(
      request,
      'clinicianLiaison',
      `/api/liaison/members/${memberId}/medications`,
    );
    const names = await this.names.of(request, {
      members: [memberId],
      staff: medications.map((medication) => medication.prescriberId),
    });
    return { memberId, medications, names };
  }
}
