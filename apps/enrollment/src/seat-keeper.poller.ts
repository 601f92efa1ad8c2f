import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  completeDanglingPlacements,
  expireDueOffers,
  lapseEndedEhrConsents,
  openNewGroupsToWaitlists,
  type RequestContext,
} from '@carecircle/enrollment/application';
import {
  TypeOrmConsentLapseSchedule,
  TypeOrmGroupCatalogue,
  TypeOrmProcessCheckpoint,
} from '@carecircle/enrollment/read-models';
import { createLogger } from '@carecircle/platform/observability';
import { startSerialPoller, type SerialPoller } from '@carecircle/platform/service-kit';
import { ENROLLMENT_DEPS, type EnrollmentDeps } from './enrollment.deps';
import { ENROLLMENT_CONFIG, type EnrollmentConfig } from './enrollment.config';

/**
 * The seat keeper, every poll interval: (1) completes placements whose referral append is missing after a
 * crash between the two appends; (2) offers the seats of newly formed groups to members waiting on full
 * groups of their kind; (3) lapses due offers and offers free seats to each group's waitlist; (4) withdraws
 * consents whose FHIR Consent's provision period has ended (consent-lapse). All state is
 * in the event store and the catalogue, so a missed tick (restart, crash) is caught up by the next one,
 * and each step is idempotent, so replicas running it side by side change nothing twice.
 */
@Injectable()
export class SeatKeeperPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private poller: SerialPoller | undefined;
  private readonly logger = createLogger('enrollment');
  private readonly steps: { name: string; run: (context: RequestContext) => Promise<number> }[];

  constructor(
    @Inject(ENROLLMENT_DEPS) deps: EnrollmentDeps,
    @Inject(ENROLLMENT_CONFIG) private readonly config: EnrollmentConfig,
    dataSource: DataSource,
  ) {
    this.steps = [
      {
        name: 'placement-repair',
        run: completeDanglingPlacements(deps, new TypeOrmProcessCheckpoint(dataSource, 'placement-repair')),
      },
      { name: 'new-group-offers', run: openNewGroupsToWaitlists(deps, new TypeOrmGroupCatalogue(dataSource)) },
      { name: 'offer-expiry', run: expireDueOffers(deps) },
      {
        name: 'consent-lapse',
        run: lapseEndedEhrConsents(
          deps,
          new TypeOrmProcessCheckpoint(dataSource, 'consent-lapse'),
          new TypeOrmConsentLapseSchedule(dataSource),
        ),
      },
    ];
  }

  onApplicationBootstrap(): void {
    if (this.config.offerPollMs <= 0) return;
    // Each step reports its own failure; the pass as a whole does not fail.
    this.poller = startSerialPoller(
      () => this.tick(),
      this.config.offerPollMs,
      () => undefined,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.poller?.stop();
  }

  private async tick(): Promise<void> {
    for (const step of this.steps) {
      const id = randomUUID();
      try {
        const changes = await step.run({ correlationId: id, causationId: `seat-keeper:${step.name}:${id}` });
        if (changes > 0) this.logger.info({ step: step.name, changes }, 'seat keeper applied changes');
      } catch (error) {
        this.logger.warn(
          { step: step.name, errorClass: error instanceof Error ? error.name : 'unknown' },
          'seat keeper step failed; retrying on the next tick',
        );
      }
    }
  }
}
