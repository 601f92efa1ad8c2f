import { runService } from '@carecircle/platform/service-kit';
import { AppModule } from './app.module';

void runService({ name: 'gateway', rootModule: AppModule, defaultPort: 3000 });
