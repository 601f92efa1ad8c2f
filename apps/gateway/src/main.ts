import { runService } from '@carecircle/platform/service-kit';
import { AppModule } from './app.module';
import { configureFhirBodies } from './fhir-http/fhir-body';
import { readGatewayConfig } from './gateway.config';

void runService({
  name: 'gateway',
  rootModule: AppModule,
  defaultPort: 3000,
  configure: (app) => configureFhirBodies(app, readGatewayConfig().fhirBodyLimit),
});
