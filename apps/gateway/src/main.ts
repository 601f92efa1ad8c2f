import {
  checkServiceEnvironment,
  connectKafkaConsumer,
  exitOnStartupFailure,
  runService,
} from '@carecircle/platform/service-kit';
import { AppModule } from './app.module';
import { readCareConsoleConfig } from './care-console/care-console.config';
import { configureFhirBodies } from './fhir-http/fhir-body';
import { readGatewayConfig } from './gateway.config';
import { readTimelineConfig } from './timeline/timeline.config';

/** Every setting of the gateway, production's rules included (see `readGatewayConfig`). */
const readGatewaySettings = (env: NodeJS.ProcessEnv) => [
  readGatewayConfig(env),
  readTimelineConfig(env),
  readCareConsoleConfig(env),
];

function start(): void {
  let fhirBodyLimit: string;
  let jsonMaxDepth: number;
  try {
    // Checked before anything starts: one line names all that is wrong or unsafe, then exit 1.
    checkServiceEnvironment({ defaultPort: 3000, authenticatesItself: true, readConfig: readGatewaySettings });
    ({ fhirBodyLimit, jsonMaxDepth } = readGatewayConfig());
  } catch (error) {
    exitOnStartupFailure('gateway', error);
  }
  // EHR integration engines send FHIR as application/fhir+json or plain application/json: one limit for both.
  void runService({
    name: 'gateway',
    rootModule: AppModule,
    defaultPort: 3000,
    jsonBodyLimit: fhirBodyLimit,
    jsonMaxDepth,
    authenticatesItself: true,
    readConfig: readGatewaySettings,
    configure: (app) => {
      configureFhirBodies(app, fhirBodyLimit, jsonMaxDepth);
      connectKafkaConsumer(app, 'gateway');
    },
  });
}

start();
