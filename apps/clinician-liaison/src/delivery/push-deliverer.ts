import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  fhirIfNoneExist,
  markAlertDelivered,
  nextDeliveryStep,
  SIGNATURE_HEADER,
  signWebhook,
  type AttemptOutcome,
  type LiaisonDeps,
} from '@carecircle/clinician-liaison/application';
import { claimDueDeliveries, recordDeliveryAttempt, type DueDelivery } from '@carecircle/clinician-liaison/read-models';
import { createLogger } from '@carecircle/platform/observability';
import { hasPushChannels, LIAISON_DEPS, PUSH_CONFIG, type PushConfig } from '../liaison.deps';
import { TIMER_POLL_MS } from '../processor/liaison-processor';
import { startSerialPoller, type SerialPoller } from '@carecircle/platform/service-kit';

/** FHIR channels are named after the resource type (`fhir:Communication`); webhooks after the role. */
/** Rows claimed per pass. */
const CLAIM_BATCH = 20;

export const isFhirChannel = (channel: string) => channel.startsWith('fhir:');

/**
 * Sends queued pushes, each signed (HMAC-SHA256 over "<timestamp>.<body>", `SIGNATURE_HEADER`; receivers
 * check it with `verifyWebhookSignature`): webhooks and FHIR creates (`application/fhir+json`,
 * conditional on the alert identifier). Only a 2xx marks a delivery done. A 5xx or no answer is retried
 * with jittered exponential backoff (`nextDeliveryStep`), so a receiver that is down delays delivery and
 * loses nothing; a 4xx, or the last attempt, parks the push and logs an error for operations.
 * Each pass claims its rows (`claimDueDeliveries`), so replicas share the queue and never send one push
 * twice at once; a restart picks up what is still pending from the table.
 * At least once (a crash mid-send resends after the lease): webhook receivers deduplicate on the alert
 * id, FHIR servers on `If-None-Exist`.
 */
@Injectable()
export class PushDeliverer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: SerialPoller | undefined;
  private readonly logger = createLogger('clinician-liaison');

  constructor(
    @Inject(LIAISON_DEPS) private readonly deps: LiaisonDeps,
    @Inject(PUSH_CONFIG) private readonly config: PushConfig,
    private readonly dataSource: DataSource,
    @Inject(TIMER_POLL_MS) private readonly pollMs: number,
  ) {}

  onApplicationBootstrap(): void {
    if (!hasPushChannels(this.config)) return;
    this.timer = startSerialPoller(
      () => this.deliverDue(),
      this.pollMs,
      (error) => this.logger.warn({ errorClass: (error as Error)?.name }, 'push delivery pass failed; retrying'),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.timer?.stop();
  }

  async deliverDue(): Promise<number> {
    const now = this.deps.clock.now();
    // The lease outlasts a pass of timed-out sends, so no other replica claims a row still being sent.
    const leaseUntil = new Date(now.getTime() + CLAIM_BATCH * this.config.timeoutMs + 30_000);
    const due = await claimDueDeliveries(this.dataSource.manager, now, leaseUntil, CLAIM_BATCH);
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
    let outcome: AttemptOutcome;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: this.headers(delivery, body, now),
        body,
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      outcome = { status: response.status };
      await response.body?.cancel();
    } catch (caught) {
      outcome = { errorClass: (caught as Error)?.name ?? 'Error' }; // the class only: a message could carry the URL
    }
    const attempt = delivery.attempts + 1;
    const step = nextDeliveryStep(outcome, attempt, {
      maxAttempts: this.config.maxAttempts,
      baseMs: this.config.retryBaseMs,
      maxMs: this.config.retryMaxMs,
    });
    const status = 'status' in outcome ? outcome.status : null;
    const error = 'errorClass' in outcome ? outcome.errorClass : null;
    const { alertId, channel } = delivery;
    // The alert learns first (idempotent per channel); a crash before the log update re-sends once.
    if (step.kind === 'delivered')
      await markAlertDelivered(this.deps)(
        { alertId, channel },
        { correlationId: alertId, causationId: `push:${alertId}:${channel}` },
      );
    const nextAttemptAt = new Date(now.getTime() + (step.kind === 'retry' ? step.delayMs : 0));
    await recordDeliveryAttempt(this.dataSource.manager, {
      alertId,
      channel,
      status,
      error,
      deliveredAt: step.kind === 'delivered' ? now : null,
      nextAttemptAt,
      ...(step.kind === 'park' ? { parked: { at: now, reason: step.reason } } : {}),
    });
    if (step.kind === 'retry')
      this.logger.warn(
        { alertId, channel, status, errorClass: error, attempt, retryInMs: step.delayMs },
        'push not accepted; will retry',
      );
    // An operations alert: the push will not be retried until someone looks (GET /api/liaison/alerts/:id/deliveries).
    if (step.kind === 'park')
      this.logger.error(
        { alertId, channel, status, errorClass: error, attempt, reason: step.reason },
        'push parked; it needs an operator',
      );
  }
}
