import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  fhirIfNoneExist,
  leaseAllowsSend,
  markAlertDelivered,
  nextDeliveryStep,
  POSSIBLE_DUPLICATE_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  type AttemptOutcome,
  type LiaisonDeps,
} from '@carecircle/clinician-liaison/application';
import {
  claimDueDeliveries,
  recordDeliveryAttempt,
  releaseDeliveryLeases,
  type DueDelivery,
} from '@carecircle/clinician-liaison/read-models';
import { createLogger } from '@carecircle/platform/observability';
import { hasPushChannels, LIAISON_DEPS, PUSH_CONFIG, type PushConfig } from '../liaison.deps';
import { TIMER_POLL_MS } from '../processor/liaison-processor';
import { startSerialPoller, type SerialPoller } from '@carecircle/platform/service-kit';

/** Rows claimed per pass. */
const CLAIM_BATCH = 20;

/** FHIR channels are named after the resource type (`fhir:Communication`); webhooks after the role. */
export const isFhirChannel = (channel: string) => channel.startsWith('fhir:');

/**
 * Sends queued pushes, each signed (HMAC-SHA256 over "<timestamp>.<body>", `SIGNATURE_HEADER`; receivers
 * check it with `verifyWebhookSignature`): webhooks and FHIR creates (`application/fhir+json`,
 * conditional on the alert identifier). Only a 2xx marks a delivery done. A 5xx or no answer is retried
 * with jittered exponential backoff (`nextDeliveryStep`), so a receiver that is down delays delivery and
 * loses nothing; a 4xx, or the last attempt, parks the push and logs an error for operations.
 *
 * Each pass claims its rows under this replica's id (`claimDueDeliveries`) for `leaseMs`, so replicas
 * share the queue and never send one push twice: a send starts only while the lease outlasts it
 * (`leaseAllowsSend`), and another replica takes a row only once the lease has ended. Passes are serial,
 * so rows this replica still holds at the start of a pass were never sent (a claim whose answer was lost
 * with the database, a pass that ran out of lease) and are taken back at once. A push sent whose outcome
 * could not be written (the database went away) is remembered and written first at the next pass, before
 * anything is claimed, so it is not sent again. Only a crash between a send and its record (or a database
 * out of reach for longer than the lease while another replica reaches it) resends, once: webhook
 * receivers deduplicate on the alert id, FHIR servers on `If-None-Exist`.
 */
@Injectable()
export class PushDeliverer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: SerialPoller | undefined;
  private readonly logger = createLogger('clinician-liaison');
  /** Sent, outcome not yet written: by `alertId channel`. */
  private readonly unrecorded = new Map<string, SentPush>();

  constructor(
    @Inject(LIAISON_DEPS) private readonly deps: LiaisonDeps,
    @Inject(PUSH_CONFIG) private readonly config: PushConfig,
    private readonly dataSource: DataSource,
    @Inject(TIMER_POLL_MS) private readonly pollMs: number,
    /** Names this process's claims; a restarted process is another replica. */
    readonly replicaId: string = newReplicaId(),
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
    if (!this.timer) return;
    await this.timer.stop();
    try {
      // Rows claimed but not sent go back to the queue now, not after the lease; never one sent but unwritten.
      await this.recordUnrecorded();
      await releaseDeliveryLeases(this.dataSource.manager, this.replicaId, this.deps.clock.now());
    } catch (error) {
      this.logger.warn({ errorClass: (error as Error)?.name }, 'push leases not released; they pass with the lease');
    }
  }

  /** One pass (serial: the poller never overlaps two); returns how many pushes were attempted. */
  async deliverDue(): Promise<number> {
    await this.recordUnrecorded();
    const now = this.deps.clock.now();
    const leaseUntil = new Date(now.getTime() + this.config.leaseMs);
    const claim = { replica: this.replicaId, now, leaseUntil, limit: CLAIM_BATCH };
    const due = await claimDueDeliveries(this.dataSource.manager, claim);
    let attempted = 0;
    for (const delivery of due) {
      // The rest stay ours and are taken back by the next pass.
      if (!leaseAllowsSend(this.deps.clock.now(), leaseUntil, this.config.timeoutMs)) break;
      const sent = await this.send(delivery);
      this.unrecorded.set(pushKey(sent), sent);
      attempted++;
      await this.record(sent);
    }
    return attempted;
  }

  /** Writes what earlier passes sent but could not write; throws (ending the pass) while the database is away. */
  private async recordUnrecorded(): Promise<void> {
    for (const sent of [...this.unrecorded.values()]) await this.record(sent);
  }

  private headers(delivery: DueDelivery, body: string, now: Date): Record<string, string> {
    // Signed at each attempt, so that a retry carries the time it is sent and stays inside the replay window.
    const timestampSeconds = Math.floor(now.getTime() / 1000);
    const signature = {
      [SIGNATURE_HEADER]: signWebhook(this.config.webhookSecret, body, timestampSeconds),
      ...(delivery.possibleDuplicate ? { [POSSIBLE_DUPLICATE_HEADER]: 'true' } : {}),
    };
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

  /** The HTTP part of an attempt: never throws, so its outcome is always known. */
  private async send(delivery: DueDelivery): Promise<SentPush> {
    const body = JSON.stringify(delivery.payload);
    const at = this.deps.clock.now();
    let outcome: AttemptOutcome;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: this.headers(delivery, body, at),
        body,
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      outcome = { status: response.status };
      await response.body?.cancel();
    } catch (caught) {
      outcome = { errorClass: (caught as Error)?.name ?? 'Error' }; // the class only: a message could carry the URL
    }
    return { alertId: delivery.alertId, channel: delivery.channel, attempt: delivery.attempts + 1, at, outcome };
  }

  /** Writes an attempt's outcome; again and again until it is written (each step is idempotent). */
  private async record(sent: SentPush): Promise<void> {
    const { alertId, channel, attempt, at: now, outcome } = sent;
    const step = nextDeliveryStep(outcome, attempt, {
      maxAttempts: this.config.maxAttempts,
      baseMs: this.config.retryBaseMs,
      maxMs: this.config.retryMaxMs,
    });
    const status = 'status' in outcome ? outcome.status : null;
    const error = 'errorClass' in outcome ? outcome.errorClass : null;
    // The alert learns first (idempotent per channel); a crash before the log update re-sends once.
    if (step.kind === 'delivered')
      await markAlertDelivered(this.deps)(
        { alertId, channel },
        { correlationId: alertId, causationId: `push:${alertId}:${channel}` },
      );
    const nextAttemptAt = new Date(now.getTime() + (step.kind === 'retry' ? step.delayMs : 0));
    await recordDeliveryAttempt(this.dataSource.manager, {
      replica: this.replicaId,
      alertId,
      channel,
      status,
      error,
      deliveredAt: step.kind === 'delivered' ? now : null,
      nextAttemptAt,
      ...(step.kind === 'park' ? { parked: { at: now, reason: step.reason } } : {}),
    });
    this.unrecorded.delete(pushKey(sent));
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

/** One attempt made, with what came of it. */
interface SentPush {
  alertId: string;
  channel: string;
  /** 1-based. */
  attempt: number;
  at: Date;
  outcome: AttemptOutcome;
}

const pushKey = (push: { alertId: string; channel: string }) => `${push.alertId} ${push.channel}`;

/** The pod's host name for operators, made unique per process (a restart in the same pod is a new replica). */
const newReplicaId = () => `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
