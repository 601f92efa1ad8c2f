import {
  BadRequestException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  ConflictException,
  type PipeTransform,
  type Type,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { ApiHttpError, ApiServiceErrors } from '../bootstrap/openapi-responses';
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

class ParkedEventDto {
  @ApiProperty({ example: 'liaison-alerts' })
  processor!: string;
  @ApiProperty({ description: 'Global position in the event store, as a decimal string.', example: '10482' })
  position!: string;
  @ApiProperty({ format: 'uuid', example: '0b9f3c52-71e4-4d8a-a6c2-5e13f07b9d24' })
  eventId!: string;
  @ApiProperty({ example: 'DistressReported' })
  eventType!: string;
  @ApiProperty({ example: 'TypeError' })
  errorClass!: string;
  @ApiProperty({ example: 3 })
  attempts!: number;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  parkedAt!: string;
}

class ParkedEventsResponseDto {
  @ApiProperty({ type: [ParkedEventDto], description: 'Oldest first.' })
  items!: ParkedEventDto[];
}

class ReplayedResponseDto {
  @ApiProperty({ enum: [true], example: true })
  replayed!: boolean;
}

/**
 * The operators' routes over parked events, under the service's own prefix. Parked rows hold positions,
 * ids, types and error classes, no clinical content: `operations.manage`, for admins only.
 */
export function parkedEventsController(routePrefix: string): Type<unknown> {
  @ApiTags('operations')
  @ApiBearerAuth()
  @ApiServiceErrors()
  @Controller(`${routePrefix}/operations/parked-events`)
  @Access('operations.manage', 'service')
  class ParkedEventsHttpController {
    constructor(
      @Inject(DataSource) private readonly dataSource: DataSource,
      @Inject(EventProcessorRegistry) private readonly processors: EventProcessorRegistry,
    ) {}

    @Get()
    @ApiOperation({ summary: 'List parked events' })
    @ApiOkResponse({ description: 'The events processors gave up on, oldest first.', type: ParkedEventsResponseDto })
    async list() {
      const parked = await listParkedEvents(this.dataSource.manager);
      return {
        items: parked.map(({ globalPosition, parkedAt, ...rest }) => ({
          ...rest,
          position: globalPosition.toString(),
          parkedAt: parkedAt.toISOString(),
        })),
      };
    }

    /** Handles the event once more; 409 with the error class when it fails again (it stays parked). */
    @Post(':processor/:position/replay')
    @HttpCode(200)
    @ApiOperation({ summary: 'Replay a parked event' })
    @ApiOkResponse({ description: 'Handled this time: no longer parked.', type: ReplayedResponseDto })
    @ApiHttpError(404, 'No such processor, or no parked event at this position.', 'no parked event at this position')
    @ApiHttpError(
      409,
      'The event failed again (its error class in `errorClass`); it stays parked.',
      'the event failed again; it stays parked',
    )
    async replay(@Param('processor', processorName) name: string, @Param('position', position) at: bigint) {
      const processor = this.processors.get(name);
      if (!processor) throw new NotFoundException('no such processor');
      const replayed = await processor.replayParked(at);
      if (replayed.outcome === 'not-parked') throw new NotFoundException('no parked event at this position');
      if (replayed.outcome === 'failed')
        throw new ConflictException({
          message: 'the event failed again; it stays parked',
          errorClass: replayed.errorClass,
        });
      return { replayed: true };
    }

    /** Gives the event up for good: the processor went on without it when it was parked. */
    @Delete(':processor/:position')
    @HttpCode(204)
    @ApiOperation({ summary: 'Discard a parked event for good' })
    @ApiNoContentResponse({ description: 'Forgotten.' })
    @ApiHttpError(404, 'No parked event at this position.', 'no parked event at this position')
    async discard(
      @Param('processor', processorName) name: string,
      @Param('position', position) at: bigint,
    ): Promise<void> {
      if (!(await forgetParkedEvent(this.dataSource.manager, name, at)))
        throw new NotFoundException('no parked event at this position');
    }
  }
  return ParkedEventsHttpController;
}
