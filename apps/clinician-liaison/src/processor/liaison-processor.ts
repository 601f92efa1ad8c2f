import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import {
  EventProcessor,
  EventProcessorRegistry,
  leasePoolOf,
  startSerialPoller,
  type SerialPoller,
} from '@carecircle/platform/service-kit';
import {
  escalateAlert,
  fhirPushes,
  followedBySiblings,
  raiseAlertsFor,
  webhookPayload,
  type LiaisonDeps,
} from '@carecircle/clinician-liaison/application';
import { ALERT_STREAM_PREFIX, type AlertEvent } from '@carecircle/clinician-liaison/domain';
import {
  enqueueDelivery,
  findDueEscalations,
  LIAISON_PROCESSOR,
  projectAlertEvent,
  readProcessorCheckpoint,
  saveProcessorCheckpoint,
} from '@carecircle/clinician-liaison/read-models';
import { createLogger } from '@carecircle/platform/observability';
import { LIAISON_DEPS, PUSH_CONFIG, type PushConfig } from '../liaison.deps';

export const TIMER_POLL_MS = Symbol('TIMER_POLL_MS');

/**
 * Follows the service's own event log in global order (so each member's facts in order):
 * runs the rules on coordination events (raising alerts idempotently), projects alert events into
 * the inbox with the checkpoint in the same transaction, and polls due escalation timers.
 * A crash anywhere replays from the checkpoint; alert ids and escalation levels make replays no-ops.
 * An event that keeps failing is parked (`EventProcessor`), so the ones after it still raise alerts.
 */
@Injectable()
export class LiaisonProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: SerialPoller | undefined;
  private readonly logger = createLogger('clinician-liaison');
  private readonly processor: EventProcessor;

  constructor(
    @Inject(LIAISON_DEPS) private readonly deps: LiaisonDeps,
    private readonly dataSource: DataSource,
    @Inject(TIMER_POLL_MS) private readonly pollMs: number,
    @Inject(PUSH_CONFIG) private readonly push: Pick<PushConfig, 'webhookEndpoints' | 'fhirEndpoint'>,
    registry: EventProcessorRegistry,
  ) {
    this.processor = registry.register(
      new EventProcessor({
        name: LIAISON_PROCESSOR,
        store: deps.store,
        dataSource,
        readCheckpoint: () => readProcessorCheckpoint(dataSource.manager, LIAISON_PROCESSOR),
        handle: (event) => this.process(event),
        skip: (tx, position) => saveProcessorCheckpoint(tx, LIAISON_PROCESSOR, position),
        logger: this.logger,
        leasePool: leasePoolOf(dataSource),
      }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.processor.start();
    this.timer = startSerialPoller(
      () => this.fireDueTimers(),
      this.pollMs,
      (error) => this.logger.warn({ errorClass: (error as Error)?.name }, 'escalation timer failed; retrying'),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.timer?.stop();
    await this.processor.stop();
  }

  private async process(recorded: RecordedEvent): Promise<void> {
    await raiseAlertsFor(this.deps, recorded);
    await followedBySiblings(this.deps, recorded);
    await this.dataSource.transaction(async (tx) => {
      if (recorded.streamId.startsWith(ALERT_STREAM_PREFIX)) {
        const event = { type: recorded.type, data: recorded.data } as AlertEvent;
        await projectAlertEvent(tx, event);
        if (event.type === 'AlertRaised') await this.queuePushes(tx, event.data);
      }
      await saveProcessorCheckpoint(tx, LIAISON_PROCESSOR, recorded.globalPosition);
    });
  }

  /**
   * A raised alert is queued, with its projection, for the webhook of its recipient's role and for the
   * FHIR endpoint (one create per resource). The queue holds the payloads: a restart loses none.
   */
  private async queuePushes(
    tx: EntityManager,
    alert: Extract<AlertEvent, { type: 'AlertRaised' }>['data'],
  ): Promise<void> {
    const now = this.deps.clock.now();
    const url = this.push.webhookEndpoints[alert.recipientRole];
    if (url)
      await enqueueDelivery(tx, {
        alertId: alert.alertId,
        channel: `webhook:${alert.recipientRole}`,
        url,
        payload: webhookPayload(alert),
        now,
      });
    const base = this.push.fhirEndpoint;
    if (!base) return;
    for (const push of fhirPushes(alert)) {
      await enqueueDelivery(tx, {
        alertId: alert.alertId,
        channel: push.channel,
        url: `${base}/${push.resourceType}`,
        payload: push.resource,
        now,
      });
    }
  }

  /** The durable timer: due times live in the database, so a restart loses none. */
  async fireDueTimers(): Promise<number> {
    const due = await findDueEscalations(this.dataSource.manager, this.deps.clock.now());
    const escalate = escalateAlert(this.deps);
    for (const { alertId, nextLevel } of due) {
      await escalate(
        { alertId, level: nextLevel },
        { correlationId: alertId, causationId: `escalation-timer:${alertId}:${nextLevel}` },
      );
    }
    return due.length;
  }
}
