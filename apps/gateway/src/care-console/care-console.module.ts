import { Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { IdentityVault } from '@carecircle/gateway/application';

import { systemClock } from '@carecircle/platform/event-sourcing';
import { readGatewayConfig } from '../gateway.config';
import { GATEWAY_AUTH, type GatewayAuth } from '../auth/gateway-auth';
import { TimelineModule } from '../timeline/timeline.module';
import { AlertActionsHttpController } from './alert-actions/alert-actions.http.controller';
import { CareConsoleAccess } from './care-console.access';
import { readCareConsoleConfig } from './care-console.config';
import { CARE_CONSOLE_DEPS, type CareConsoleDeps } from './care-console.deps';
import { CohortReportHttpController } from './cohort-report/cohort-report.http.controller';
import { DistressReportsHttpController } from './distress-reports/distress-reports.http.controller';
import { GroupSessionHttpController } from './group-session/group-session.http.controller';
import { HomeHttpController } from './home/home.http.controller';
import { MemberAlertsHttpController } from './member-alerts/member-alerts.http.controller';
import { MemberMedicationsHttpController } from './member-medications/member-medications.http.controller';
import { MemberOutcomesHttpController } from './member-outcomes/member-outcomes.http.controller';
import { PeopleNames } from './people-names/people-names';
import { ServicesClient } from './services.client';
import { SignedInPersonHttpController } from './signed-in-person/signed-in-person.http.controller';
import { SmartLaunchHttpController } from './smart-launch/smart-launch.http.controller';
import { SessionAttendanceHttpController } from './session-attendance/session-attendance.http.controller';
import { sqlOfPool } from '@carecircle/platform/event-store';

/**
 * The web UI's backend: facilitators', clinicians' and programme leads' views over scheduling,
 * clinician-liaison and outcomes, each request decided and audited here before any service is called.
 */
@Module({
  imports: [TimelineModule],
  controllers: [
    HomeHttpController,
    SessionAttendanceHttpController,
    GroupSessionHttpController,
    MemberOutcomesHttpController,
    MemberAlertsHttpController,
    MemberMedicationsHttpController,
    AlertActionsHttpController,
    CohortReportHttpController,
    DistressReportsHttpController,
    SignedInPersonHttpController,
    SmartLaunchHttpController,
  ],
  providers: [
    CareConsoleAccess,
    ServicesClient,
    PeopleNames,
    {
      provide: CARE_CONSOLE_DEPS,
      useFactory: (dataSource: DataSource, auth: GatewayAuth): CareConsoleDeps => {
        const config = readCareConsoleConfig();
        const gateway = readGatewayConfig();
        const pool = (dataSource.driver as PostgresDriver).master as Pool;
        return {
          sql: sqlOfPool(pool),
          audit: auth.audit,
          vault: new IdentityVault(gateway.identityKey),
          devIdp: gateway.devIdp,
          clock: systemClock,
          services: {
            scheduling: config.schedulingUrl,
            clinicianLiaison: gateway.cdsHooks.upstreamUrl,
            outcomes: config.outcomesUrl,
            enrollment: config.enrollmentUrl,
          },
          upstreamTimeoutMs: config.upstreamTimeoutMs,
          doseSessions: config.doseSessions,
        };
      },
      inject: [DataSource, GATEWAY_AUTH],
    },
  ],
})
export class CareConsoleModule {}
