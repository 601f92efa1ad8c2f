import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { DeliveryViewDto } from '../liaison.response.dto';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import type { Bundle } from '@medplum/fhirtypes';
import { alertFhirResources } from '@carecircle/clinician-liaison/application';
import { findDeliveries, findMemberAlerts } from '@carecircle/clinician-liaison/read-models';
import { Access, ApiServiceErrors, fhirBundleSchema } from '@carecircle/platform/service-kit';
import { MemberIdPipe } from '../member-id.pipe';

@ApiTags('push delivery')
@ApiServiceErrors()
@Controller('api/liaison')
export class CommunicationsHttpController {
  constructor(@InjectEntityManager() private readonly em: EntityManager) {}

  /** The member's alerts as FHIR R4 Communication (and DetectedIssue for drug conflicts), a searchset Bundle. */
  @Get('members/:memberId/communications')
  @Access('member.communications.read', { member: 'memberId' })
  @ApiOperation({ summary: "Read a member's alerts as FHIR Communications" })
  @ApiOkResponse({
    description: 'FHIR R4 Bundle (searchset) of Communication and DetectedIssue resources.',
    content: {
      'application/json': {
        schema: fhirBundleSchema('Communication', 'DetectedIssue'),
        example: { resourceType: 'Bundle', type: 'searchset', total: 0, entry: [] },
      },
    },
  })
  async communications(@Param('memberId', MemberIdPipe) memberId: string): Promise<Bundle> {
    const resources = (await findMemberAlerts(this.em, memberId)).flatMap((alert) => alertFhirResources(alert));
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total: resources.length,
      entry: resources.map((resource) => ({ resource, search: { mode: 'match' } })),
    };
  }

  /** The delivery log of one alert: each channel, attempts, last status, when delivered. */
  @Get('alerts/:alertId/deliveries')
  @Access('alert.deliveries.read', { member: 'alertId', via: 'alert' })
  @ApiOperation({ summary: "Read an alert's delivery log" })
  @ApiOkResponse({
    description: 'Each channel: attempts, last status, when delivered or parked.',
    type: [DeliveryViewDto],
  })
  deliveries(@Param('alertId', new ParseUUIDPipe()) alertId: string) {
    return findDeliveries(this.em, alertId);
  }
}
