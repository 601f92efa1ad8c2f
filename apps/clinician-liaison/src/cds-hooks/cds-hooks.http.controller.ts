import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import type { ZodType } from 'zod';
import {
  acknowledgeAlert,
  alertCard,
  CDS_SERVICE_IDS,
  CdsContextError,
  cdsDiscovery,
  cdsFeedbackSchema,
  cdsRequestSchema,
  evaluateAppointments,
  evaluateDraftOrders,
  type Card,
  type CdsRequest,
  type LiaisonDeps,
} from '@carecircle/clinician-liaison/application';
import { findAlert, findOpenMemberAlerts } from '@carecircle/clinician-liaison/read-models';
import {
  Access,
  Public,
  ApiServiceErrors,
  ApiCdsDiscovery,
  ApiCdsServiceCall,
  ApiCdsFeedback,
  ApiHttpError,
} from '@carecircle/platform/service-kit';
import { LIAISON_CONFIG, LIAISON_DEPS, type LiaisonConfig } from '../liaison.deps';

function parse<T>(schema: ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const errors = result.error.issues.map((i) => ({
    field: i.path.join('.') || '(body)',
    constraints: { [i.code]: `${i.path.join('.') || 'body'} is invalid` },
  }));
  throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'Validation failed', errors });
}

/** CDS Hooks 2.0: pull-only decision support for the EHR. Invoking a service changes nothing; only feedback is recorded. */
@ApiTags('cds-hooks')
@ApiServiceErrors()
@Controller('cds-services')
export class CdsHooksHttpController {
  constructor(
    @Inject(LIAISON_DEPS) private readonly deps: LiaisonDeps,
    @InjectEntityManager() private readonly em: EntityManager,
    @Inject(LIAISON_CONFIG) private readonly config: LiaisonConfig,
  ) {}

  private timelineUrl(memberId: string): string {
    return `${this.config.timelineBaseUrl}/${encodeURIComponent(memberId)}`;
  }

  /** Discovery is read before the EHR holds a token (the guard exempts it as well). */
  @Get()
  @Public()
  @ApiCdsDiscovery()
  discovery() {
    return cdsDiscovery;
  }

  @Post(':id')
  @Access('cds.invoke', 'service')
  @HttpCode(200)
  @ApiCdsServiceCall()
  @ApiHttpError(404, 'No CDS service with this id.', 'No CDS service with this id.')
  async call(@Param('id') id: string, @Body() body: unknown) {
    const service = cdsDiscovery.services.find((s) => s.id === id);
    if (!service) throw new NotFoundException('No CDS service with this id.');
    const request = parse(cdsRequestSchema, body);
    if (request.hook !== service.hook)
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Validation failed',
        errors: [{ field: 'hook', constraints: { hook: `this service answers ${service.hook}` } }],
      });
    const memberId = request.context.patientId;
    try {
      return await this.answer(id, request, memberId);
    } catch (error) {
      if (!(error instanceof CdsContextError)) throw error;
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Validation failed',
        errors: [{ field: error.field, constraints: { shape: `${error.field} ${error.reason}` } }],
      });
    }
  }

  private async answer(id: string, request: CdsRequest, memberId: string): Promise<{ cards: Card[] }> {
    switch (id) {
      case CDS_SERVICE_IDS.patientView: {
        // A read: showing a card is not delivery (a prefetching EHR calls this for charts nobody opens).
        const alerts = await findOpenMemberAlerts(this.em, memberId);
        return { cards: alerts.map((a) => alertCard(a, this.timelineUrl(memberId))) };
      }
      case CDS_SERVICE_IDS.orderSelect:
      case CDS_SERVICE_IDS.orderSign:
        return {
          cards: await evaluateDraftOrders(this.deps, request, this.deps.clock.now(), this.timelineUrl(memberId)),
        };
      default:
        return { cards: await evaluateAppointments(this.deps, request, this.timelineUrl(memberId)) };
    }
  }

  /** Feedback on a patient-view card (its uuid is the alert id) is recorded on the alert. */
  @Post(':id/feedback')
  @Access('cds.feedback', 'service')
  @HttpCode(200)
  @ApiCdsFeedback()
  @ApiHttpError(404, 'No CDS service with this id.', 'No CDS service with this id.')
  async feedback(@Param('id') id: string, @Body() body: unknown) {
    if (!cdsDiscovery.services.some((s) => s.id === id)) throw new NotFoundException('No CDS service with this id.');
    const { feedback } = parse(cdsFeedbackSchema, body);
    const acknowledge = acknowledgeAlert(this.deps);
    for (const item of feedback) {
      const alert = /^[0-9a-f-]{36}$/.test(item.card) ? await findAlert(this.em, item.card) : null;
      if (!alert?.recipientId) continue;
      const reason =
        item.overrideReason?.reason?.display ??
        item.overrideReason?.reason?.code ??
        item.overrideReason?.userComment ??
        (item.outcome === 'overridden' ? 'overridden in the EHR' : null);
      await acknowledge(
        { alertId: alert.alertId, by: alert.recipientId, outcome: item.outcome, reason },
        { correlationId: id, causationId: `cds-feedback:${item.card}` },
      );
    }
    return {};
  }
}
