import { runService } from '@carecircle/platform/service-kit';
import { AppModule } from './app.module';

void runService({ name: 'clinician-liaison', rootModule: AppModule, defaultPort: 3103 });
