import { connectKafkaConsumer, runService } from '@carecircle/platform/service-kit';
import { AppModule } from './app.module';

void runService({
  name: 'enrollment',
  rootModule: AppModule,
  defaultPort: 3101,
  configure: (app) => {
    connectKafkaConsumer(app, 'enrollment');
  },
});
