import { connectKafkaConsumer, exitOnStartupFailure, runService } from '@carecircle/platform/service-kit';
import { AppModule } from './app.module';
import { configureFhirBodies } from './fhir-http/fhir-body';
import { readGatewayConfig } from './gateway.config';

function start(): void {
  let fhirBodyLimit: string;
  try {
    ({ fhirBodyLimit } = readGatewayConfig());
  } catch (error) {
    exitOnStartupFailure('gateway', error);
  }
  // EHR integration engines send FHIR as application/fhir+json or plain application/json: one limit for both.
  void runService({
    name: 'gateway',
    rootModule: AppModule,
    defaultPort: 3000,
    jsonBodyLimit: fhirBodyLimit,
    authenticatesItself: true,
    configure: (app) => {
      configureFhirBodies(app, fhirBodyLimit);
      connectKafkaConsumer(app, 'gateway');
    },
  });
}

start();
