import { connectKafkaConsumer, runService } from '@carecircle/platform/service-kit';
import { AppModule } from './app.module';
import { liaisonEnv } from './liaison.env';
import { liaisonDomainErrors } from './service-options';

void runService({
  name: liaisonEnv.service,
  rootModule: AppModule,
  defaultPort: liaisonEnv.defaultPort,
  domainErrors: liaisonDomainErrors,
  readConfig: liaisonEnv.readConfig,
  configure: (app) => {
    connectKafkaConsumer(app, 'clinician-liaison');
  },
});
