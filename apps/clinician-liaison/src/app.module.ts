import { Module } from '@nestjs/common';
import { HealthModule } from '@carecircle/platform/service-kit';

// Shell: the domain, its consumers and its database arrive with the service's first use case.
@Module({ imports: [HealthModule.forRoot()] })
export class AppModule {}
