import { connectKafkaConsumer, runService } from '@carecircle/platform/service-kit';
import { AppModule } from './app.module';

void runService({
  name: 'scheduling',
  rootModule: AppModule,
  defaultPort: 3102,
  configure: (app) => {
    connectKafkaConsumer(app, 'scheduling');
  },
});
