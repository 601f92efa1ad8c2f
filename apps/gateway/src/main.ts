import {
  checkServiceEnvironment,
  connectKafkaConsumer,
  exitOnStartupFailure,
  runService,
} from '@carecircle/platform/service-kit';
import { AppModule } from './app.module';
import { configureFhirBodies } from './fhir-http/fhir-body';
import { gatewayEnv } from './gateway.env';
import { readGatewayConfig } from './gateway.config';

function start(): void {
  let fhirBodyLimit: string;
  let jsonMaxDepth: number;
  try {
    // Checked before anything starts: one line names all that is wrong or unsafe, then exit 1.
    checkServiceEnvironment(gatewayEnv);
    ({ fhirBodyLimit, jsonMaxDepth } = readGatewayConfig());
  } catch (error) {
    exitOnStartupFailure('gateway', error);
  }
  // EHR integration engines send FHIR as application/fhir+json or plain application/json: one limit for both.
  void runService({
    name: gatewayEnv.service,
    rootModule: AppModule,
    defaultPort: gatewayEnv.defaultPort,
    jsonBodyLimit: fhirBodyLimit,
    jsonMaxDepth,
    authenticatesItself: true,
    readConfig: gatewayEnv.readConfig,
    configure: (app) => {
      configureFhirBodies(app, fhirBodyLimit, jsonMaxDepth);
      connectKafkaConsumer(app, 'gateway');
    },
  });
}

start();
