import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import type { CommandOutcome } from '@carecircle/platform/event-sourcing';

/** Domain errors are thrown here, at the edge, so the service kit's filter maps them to 404/409/422. */
export function unwrap<E>(outcome: CommandOutcome<E>): { changed: boolean; events: readonly E[] } {
  if (!outcome.ok) throw outcome.error;
  return { changed: outcome.events.length > 0, events: outcome.events };
}

/** The answer to a command: the types of the events it produced (none when it changed nothing). */
export function summary({ events }: { events: readonly { type: string }[] }) {
  return { events: events.map((e) => e.type) };
}

function idPipe(name: string, pattern: RegExp) {
  @Injectable()
  class IdPipe implements PipeTransform<string, string> {
    transform(value: string): string {
      if (!pattern.test(value)) throw new BadRequestException(`${name} is not a valid id`);
      return value;
    }
  }
  return IdPipe;
}

export const SchedulingGroupIdPipe = idPipe('groupId', /^grp_[A-Za-z0-9_-]{1,60}$/);
export const MemberIdPipe = idPipe('memberId', /^mbr_[A-Za-z0-9_-]{6,64}$/);
export const OpaqueIdPipe = idPipe('id', /^[A-Za-z0-9_-]{1,96}$/);
