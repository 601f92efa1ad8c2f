import type { Clock } from '@carecircle/shared-kernel';

export const systemClock: Clock = { now: () => new Date() };
