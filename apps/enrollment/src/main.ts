import { connectKafkaConsumer, runService } from '@carecircle/platform/service-kit';
import { AppModule } from './app.module';
import { readEnrollmentConfig } from './enrollment.config';

void runService({
  name: 'enrollment',
  rootModule: AppModule,
  defaultPort: 3101,
  readConfig: readEnrollmentConfig,
  configure: (app) => {
    connectKafkaConsumer(app, 'enrollment');
  },
});
