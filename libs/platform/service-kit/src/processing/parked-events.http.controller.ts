import { BadRequestException, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Post, ConflictException, type PipeTransform, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Access } from '../access/access.decorator';
import { forgetParkedEvent, listParkedEvents } from './parked-events';
import { EventProcessorRegistry } from './event-processor-registry';

const PROCESSOR_NAME = /^[a-z][a-z0-9-]{0,63}$/;
const POSITION = /^[1-9][0-9]{0,18}$/;

const processorName: PipeTransform<string, string> = {
  transform: (value) => {
    if (!PROCESSOR_NAME.test(value)) throw new BadRequestException('processor must be a processor name (a-z, 0-9, -)');
    return value;
  },
};
const position: PipeTransform<string, bigint> = {
  transform: (value) => {
    if (!POSITION.test(value)) throw new BadRequestException('position must be a positive integer');
    return BigInt(value);
  },
};

/**
 * The operators' routes over parked events, under the service's own prefix. Parked rows hold positions,
 * ids, types and error classes, no clinical content: `operations.manage`, for admins only.
 */
export function parkedEventsController(routePrefix: string): Type<unknown> {
  @ApiTags('operations')
  @ApiBearerAuth()
  @Controller(`${routePrefix}/operations/parked-events`)
  @Access('operations.manage', 'service')
  class ParkedEventsHttpController {
    constructor(
      @Inject(DataSource) private readonly dataSource: DataSource,
      @Inject(EventProcessorRegistry) private readonly processors: EventProcessorRegistry,
    ) {}

    @Get()
    @ApiOkResponse({ description: '{ items: [{ processor, position, eventId, eventType, errorClass, attempts, parkedAt }] }, oldest first' })
    async list() {
      const parked = await listParkedEvents(this.dataSource.manager);
      return { items: parked.map(({ globalPosition, parkedAt, ...rest }) => ({ ...rest, position: globalPosition.toString(), parkedAt: parkedAt.toISOString() })) };
    }

    /** Handles the event once more; 409 with the error class when it fails again (it stays parked). */
    @Post(':processor/:position/replay')
    @HttpCode(200)
    async replay(@Param('processor', processorName) name: string, @Param('position', position) at: bigint) {
      const processor = this.processors.get(name);
      if (!processor) throw new NotFoundException('no such processor');
      const replayed = await processor.replayParked(at);
      if (replayed.outcome === 'not-parked') throw new NotFoundException('no parked event at this position');
      if (replayed.outcome === 'failed') throw new ConflictException({ message: 'the event failed again; it stays parked', errorClass: replayed.errorClass });
      return { replayed: true };
    }

    /** Gives the event up for good: the processor went on without it when it was parked. */
    @Delete(':processor/:position')
    @HttpCode(204)
    async discard(@Param('processor', processorName) name: string, @Param('position', position) at: bigint): Promise<void> {
      if (!(await forgetParkedEvent(this.dataSource.manager, name, at))) throw new NotFoundException('no parked event at this position');
    }
  }
  return ParkedEventsHttpController;
}
