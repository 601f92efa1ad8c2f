import { connectKafkaConsumer, runService } from '@carecircle/platform/service-kit';
import { AppModule } from './app.module';
import { liaisonDomainErrors } from './service-options';

void runService({
  name: 'clinician-liaison',
  rootModule: AppModule,
  defaultPort: 3103,
  domainErrors: liaisonDomainErrors,
  configure: (app) => {
    connectKafkaConsumer(app, 'clinician-liaison');
  },
});
