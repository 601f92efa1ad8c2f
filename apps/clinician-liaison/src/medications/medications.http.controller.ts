import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { memberMedications, type LiaisonDeps } from '@carecircle/clinician-liaison/application';
import { Access, ApiHttpError, ApiServiceErrors } from '@carecircle/platform/service-kit';
import { LIAISON_DEPS } from '../liaison.deps';
import { MedicationListEntryDto } from '../liaison.response.dto';
import { MemberIdPipe } from '../member-id.pipe';

/** A member's medication list for their care team: drugs and doses are never a facilitator's (403). */
@ApiTags('treatments')
@ApiServiceErrors()
@Controller('api/liaison/members/:memberId/medications')
export class MedicationsHttpController {
  constructor(@Inject(LIAISON_DEPS) private readonly deps: LiaisonDeps) {}

  @Get()
  @Access('member.medications.read', { member: 'memberId' })
  @ApiOperation({ summary: "List a member's medications" })
  @ApiOkResponse({ description: 'Active first, then the latest started first.', type: [MedicationListEntryDto] })
  @ApiHttpError(403, 'Not on the member’s care team (a facilitator never reads medications)', 'Access denied')
  list(@Param('memberId', MemberIdPipe) memberId: string) {
    return memberMedications(this.deps.store, memberId);
  }
}
