import { Module } from '@nestjs/common';
import { HealthModule } from '@carecircle/platform/service-kit';
import { HomeController } from './home.controller';

// Shell: FHIR facade, CDS Hooks, SMART auth and the care timeline arrive with their use cases.
@Module({ imports: [HealthModule.forRoot()], controllers: [HomeController] })
export class AppModule {}
