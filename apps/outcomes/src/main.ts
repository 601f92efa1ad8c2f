import { connectKafkaConsumer, runService } from '@carecircle/platform/service-kit';
import { AppModule } from './app.module';
import { readOutcomesConfig } from './outcomes.deps';

void runService({
  name: 'outcomes',
  rootModule: AppModule,
  defaultPort: 3104,
  readConfig: readOutcomesConfig,
  configure: (app) => {
    connectKafkaConsumer(app, 'outcomes');
  },
});
