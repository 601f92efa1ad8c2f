import { connectKafkaConsumer, runService } from '@carecircle/platform/service-kit';
import { AppModule } from './app.module';
import { schedulingEnv } from './scheduling.env';

void runService({
  name: schedulingEnv.service,
  rootModule: AppModule,
  defaultPort: schedulingEnv.defaultPort,
  readConfig: schedulingEnv.readConfig,
  configure: (app) => {
    connectKafkaConsumer(app, 'scheduling');
  },
});
