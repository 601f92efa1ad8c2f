import { connectKafkaConsumer, runService } from '@carecircle/platform/service-kit';
import { AppModule } from './app.module';
import { liaisonConfigFromEnv } from './liaison.deps';
import { liaisonDomainErrors } from './service-options';

void runService({
  name: 'clinician-liaison',
  rootModule: AppModule,
  defaultPort: 3103,
  domainErrors: liaisonDomainErrors,
  // Push endpoints and their secret too: in production a plain-http webhook stops the service here.
  readConfig: liaisonConfigFromEnv,
  configure: (app) => {
    connectKafkaConsumer(app, 'clinician-liaison');
  },
});
