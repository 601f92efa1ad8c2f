import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { expireDueOffers } from '@carecircle/enrollment/application';
import { createLogger } from '@carecircle/platform/observability';
import { ENROLLMENT_DEPS, type EnrollmentDeps } from './enrollment.deps';
import { ENROLLMENT_CONFIG, type EnrollmentConfig } from './enrollment.config';

/**
 * The offer clock: every poll interval, due offers lapse and free seats go to the waitlist. The state is
 * in the event store, so a missed tick (restart, crash) is caught up by the next one.
 */
@Injectable()
export class OfferExpiryPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly logger = createLogger('enrollment');

  constructor(
    @Inject(ENROLLMENT_DEPS) private readonly deps: EnrollmentDeps,
    @Inject(ENROLLMENT_CONFIG) private readonly config: EnrollmentConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.offerPollMs <= 0) return;
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.tick());
    }, this.config.offerPollMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    const id = randomUUID();
    try {
      const changes = await expireDueOffers(this.deps)({ correlationId: id, causationId: `offer-poll:${id}` });
      if (changes > 0) this.logger.info({ changes }, 'offer poll applied seat changes');
    } catch (error) {
      this.logger.warn({ errorClass: error instanceof Error ? error.name : 'unknown' }, 'offer poll failed; retrying on the next tick');
    }
  }
}
