import { Body, Controller, HttpCode, Param, Post, Req, UnprocessableEntityException } from '@nestjs/common';
import { AlertActionResponseDto } from '../care-console.response.dto';
import { ApiConsoleErrors } from '../../fhir-http/api-responses';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  checkAcknowledgement,
  checkResolution,
  decideAlertAction,
  type Checked,
  type LiaisonAlert,
} from '@carecircle/gateway/application';
import { CareConsoleAccess } from '../care-console.access';
import { alertIdOf } from '../care-console.params';
import { ServicesClient } from '../services.client';
import { Access, ApiHttpError } from '@carecircle/platform/service-kit';

/** Acknowledge (accept, or override with a reason) and resolve an alert: the reader's own copy only. */
@ApiTags('care console')
@ApiBearerAuth()
@ApiConsoleErrors()
@Controller('api/care-console/alerts/:alertId')
export class AlertActionsHttpController {
  constructor(
    private readonly access: CareConsoleAccess,
    private readonly services: ServicesClient,
  ) {}

  @Post('acknowledgement')
  @Access('alert.act', { member: 'alertId', via: 'alert' })
  @HttpCode(200)
  @ApiBody({
    schema: {
      type: 'object',
      required: ['outcome'],
      properties: {
        outcome: { type: 'string', enum: ['accepted', 'overridden'] },
        reason: { type: 'string', description: 'Required when overridden' },
      },
    },
  })
  @ApiOperation({ summary: 'Acknowledge an alert from the care console' })
  @ApiOkResponse({
    description: 'Acknowledged in clinician-liaison: its escalation stops',
    type: AlertActionResponseDto,
  })
  @ApiHttpError(403, 'Not the reader’s copy of the alert, or a member the reader may not see', 'Access denied')
  @ApiHttpError(422, 'No outcome, or an override without a reason', 'No outcome, or an override without a reason')
  acknowledge(@Param('alertId') alert: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(request, alertIdOf(alert), 'acknowledgement', checkAcknowledgement(body));
  }

  @Post('resolution')
  @Access('alert.act', { member: 'alertId', via: 'alert' })
  @HttpCode(200)
  @ApiBody({ schema: { type: 'object', properties: { reason: { type: 'string' } } } })
  @ApiOperation({ summary: 'Resolve an alert from the care console' })
  @ApiOkResponse({ description: 'Resolved in clinician-liaison', type: AlertActionResponseDto })
  @ApiHttpError(403, 'Not the reader’s copy of the alert, or a member the reader may not see', 'Access denied')
  resolve(@Param('alertId') alert: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(request, alertIdOf(alert), 'resolution', checkResolution(body));
  }

  private async act(request: Request, alertId: string, step: 'acknowledgement' | 'resolution', input: Checked<object>) {
    const by = await this.access.person(request);
    const alert = await this.services.call<LiaisonAlert>(request, 'clinicianLiaison', `/api/liaison/alerts/${alertId}`);
    // Audited once liaison answered: a refusal there (4xx) is a failed attempt, not an acknowledgement.
    return this.access.memberAct(
      request,
      alert.memberId,
      'alert.act',
      'U',
      ['Communication'],
      async () => {
        if (!input.ok) throw new UnprocessableEntityException(input.message);
        const answer = await this.services.call<unknown>(
          request,
          'clinicianLiaison',
          `/api/liaison/alerts/${alertId}/${step}`,
          { method: 'POST', body: input.value, headers: { 'x-clinician-id': by } },
        );
        // Liaison's inbox shows the new state within moments; the answer says what was asked and what liaison recorded.
        return { alertId, requested: step, answer };
      },
      (view) => decideAlertAction(view, alert),
    );
  }
}
