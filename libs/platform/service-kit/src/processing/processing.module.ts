import { Module, type DynamicModule } from '@nestjs/common';
import { EventProcessorRegistry } from './event-processor-registry';
import { parkedEventsController } from './parked-events.http.controller';

export interface ProcessingModuleOptions {
  /** The service's route prefix (`api/liaison`): the routes live under `<prefix>/operations/parked-events`. */
  routePrefix: string;
}

/** Parked events for operators: list, replay, discard (admins only, every call audited by the access guard). */
@Module({})
export class ProcessingModule {
  static forRoot(options: ProcessingModuleOptions): DynamicModule {
    return {
      module: ProcessingModule,
      global: true,
      controllers: [parkedEventsController(options.routePrefix)],
      providers: [EventProcessorRegistry],
      exports: [EventProcessorRegistry],
    };
  }
}
