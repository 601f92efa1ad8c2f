import { connectKafkaConsumer, runService } from '@carecircle/platform/service-kit';
import { AppModule } from './app.module';

void runService({
  name: 'outcomes',
  rootModule: AppModule,
  defaultPort: 3104,
  configure: (app) => {
    connectKafkaConsumer(app, 'outcomes');
  },
});
