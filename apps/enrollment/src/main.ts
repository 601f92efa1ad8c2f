import { connectKafkaConsumer, runService } from '@carecircle/platform/service-kit';
import { AppModule } from './app.module';
import { enrollmentEnv } from './enrollment.env';

void runService({
  name: enrollmentEnv.service,
  rootModule: AppModule,
  defaultPort: enrollmentEnv.defaultPort,
  readConfig: enrollmentEnv.readConfig,
  configure: (app) => {
    connectKafkaConsumer(app, 'enrollment');
  },
});
