import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { fhirIfNoneExist, markAlertDelivered, retryDelayMs, SIGNATURE_HEADER, signWebhook, type LiaisonDeps } from '@carecircle/clinician-liaison/application';
import { findDueDeliveries, recordDeliveryAttempt, type DueDelivery } from '@carecircle/clinician-liaison/read-models';
import { createLogger } from '@carecircle/platform/observability';
import { hasPushChannels, LIAISON_DEPS, PUSH_CONFIG, type PushConfig } from '../liaison.deps';
import { TIMER_POLL_MS } from '../processor/liaison-processor';
import { startSerialInterval } from '../processor/serial-interval';

/** FHIR channels are named after the resource type (`fhir:Communication`); webhooks after the role. */
export const isFhirChannel = (channel: string) => channel.startsWith('fhir:');

/**
 * Sends queued pushes, each signed (HMAC-SHA256 over "<timestamp>.<body>", `SIGNATURE_HEADER`; receivers
 * check it with `verifyWebhookSignature`): webhooks and FHIR creates (`application/fhir+json`,
 * conditional on the alert identifier). Only a 2xx marks a delivery done;
 * anything else is logged and retried with exponential backoff, so a receiver that is down delays
 * delivery and loses nothing, and a restart picks up what is still pending from the table.
 * At least once: webhook receivers deduplicate on the alert id, FHIR servers on `If-None-Exist`.
 */
@Injectable()
export class PushDeliverer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: { stop(): Promise<void> } | undefined;
  private readonly logger = createLogger('clinician-liaison');

  constructor(
    @Inject(LIAISON_DEPS) private readonly deps: LiaisonDeps,
    @Inject(PUSH_CONFIG) private readonly config: PushConfig,
    private readonly dataSource: DataSource,
    @Inject(TIMER_POLL_MS) private readonly pollMs: number,
  ) {}

  onApplicationBootstrap(): void {
    if (!hasPushChannels(this.config)) return;
    this.timer = startSerialInterval(() => this.deliverDue(), this.pollMs, (error) => this.logger.warn({ errorClass: (error as Error)?.name }, 'push delivery pass failed; retrying'));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.timer?.stop();
  }

  async deliverDue(): Promise<number> {
    const due = await findDueDeliveries(this.dataSource.manager, this.deps.clock.now());
    for (const delivery of due) await this.deliver(delivery);
    return due.length;
  }

  private headers(delivery: DueDelivery, body: string, now: Date): Record<string, string> {
    // Signed at each attempt, so that a retry carries the time it is sent and stays inside the replay window.
    const timestampSeconds = Math.floor(now.getTime() / 1000);
    const signature = { [SIGNATURE_HEADER]: signWebhook(this.config.webhookSecret, body, timestampSeconds) };
    if (isFhirChannel(delivery.channel)) {
      return {
        'content-type': 'application/fhir+json',
        accept: 'application/fhir+json',
        'if-none-exist': fhirIfNoneExist(delivery.alertId),
        prefer: 'return=minimal',
        ...signature,
      };
    }
    return { 'content-type': 'application/json', ...signature, 'x-carecircle-alert-id': delivery.alertId };
  }

  private async deliver(delivery: DueDelivery): Promise<void> {
    const body = JSON.stringify(delivery.payload);
    const now = this.deps.clock.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(delivery.url, { method: 'POST', headers: this.headers(delivery, body, now), body, signal: AbortSignal.timeout(this.config.timeoutMs) });
      status = response.status;
      await response.body?.cancel();
    } catch (caught) {
      error = (caught as Error)?.name ?? 'Error'; // the class only: a message could carry the URL
    }
    const delivered = status !== null && status >= 200 && status < 300;
    // The alert learns first (idempotent per channel); a crash before the log update re-sends once.
    if (delivered) await markAlertDelivered(this.deps)({ alertId: delivery.alertId, channel: delivery.channel }, { correlationId: delivery.alertId, causationId: `push:${delivery.alertId}:${delivery.channel}` });
    const nextAttemptAt = new Date(now.getTime() + retryDelayMs(delivery.attempts + 1, this.config.retryBaseMs, this.config.retryMaxMs));
    await recordDeliveryAttempt(this.dataSource.manager, { alertId: delivery.alertId, channel: delivery.channel, status, error, deliveredAt: delivered ? now : null, nextAttemptAt });
    if (!delivered) this.logger.warn({ alertId: delivery.alertId, channel: delivery.channel, status, errorClass: error, attempt: delivery.attempts + 1 }, 'push not accepted; will retry');
  }
}
