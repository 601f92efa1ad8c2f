import { Injectable } from '@nestjs/common';
import type { EventProcessor } from './event-processor';

/** The service's event processors by name, for the operators' parked-event routes. */
@Injectable()
export class EventProcessorRegistry {
  private readonly processors = new Map<string, EventProcessor>();

  register(processor: EventProcessor): EventProcessor {
    this.processors.set(processor.name, processor);
    return processor;
  }

  get(name: string): EventProcessor | undefined {
    return this.processors.get(name);
  }
}
