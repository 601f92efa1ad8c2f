import { connectKafkaConsumer, runService } from '@carecircle/platform/service-kit';
import { AppModule } from './app.module';
import { outcomesEnv } from './outcomes.env';

void runService({
  name: outcomesEnv.service,
  rootModule: AppModule,
  defaultPort: outcomesEnv.defaultPort,
  readConfig: outcomesEnv.readConfig,
  configure: (app) => {
    connectKafkaConsumer(app, 'outcomes');
  },
});
