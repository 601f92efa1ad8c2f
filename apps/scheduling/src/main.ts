import { connectKafkaConsumer, runService } from '@carecircle/platform/service-kit';
import { AppModule } from './app.module';
import { readLoadReassessmentPollMs, readSchedulingPolicy } from './scheduling.deps';

void runService({
  name: 'scheduling',
  rootModule: AppModule,
  defaultPort: 3102,
  readConfig: (env) => [readSchedulingPolicy(env), readLoadReassessmentPollMs(env)],
  configure: (app) => {
    connectKafkaConsumer(app, 'scheduling');
  },
});
