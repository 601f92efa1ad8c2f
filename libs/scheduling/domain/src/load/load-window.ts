import type { SchedulingPolicy } from '../policy/scheduling-policy';
import {
  LOAD_CONTACT_KINDS,
  type ContactTime,
  type GroupSessionSlot,
  type LoadContactKind,
  type LoadSnapshot,
  type LoadWindow,
  type TherapeuticContact,
} from './member-load';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface LoadItem extends ContactTime {
  kind: LoadContactKind;
}

export type LoadPolicy = Pick<SchedulingPolicy, 'therapeuticLoadCap' | 'loadWindowDays' | 'conflictWindowMinutes'>;

export function loadItems(
  contacts: readonly TherapeuticContact[],
  groupSessions: readonly GroupSessionSlot[],
): LoadItem[] {
  return [
    ...groupSessions.map((s) => ({ kind: 'group-session' as const, start: s.start, end: s.end })),
    ...contacts.map(({ kind, start, end }) => ({ kind, start, end })),
  ];
}

/**
 * The busiest rolling window (`loadWindowDays` long, [start, end)) that contains `around`: every
 * window that starts at a contact in the preceding days and still holds `around` is a candidate.
 */
export function busiestWindow(items: readonly LoadItem[], around: ContactTime, policy: LoadPolicy): LoadSnapshot {
  const length = policy.loadWindowDays * DAY;
  const anchor = Date.parse(around.start);
  const starts = [
    anchor,
    ...items.map((item) => Date.parse(item.start)).filter((t) => t <= anchor && t > anchor - length),
  ];
  let best: { start: number; inside: LoadItem[] } | null = null;
  for (const start of starts) {
    const inside = items.filter((item) => Date.parse(item.start) >= start && Date.parse(item.start) < start + length);
    if (!best || inside.length > best.inside.length || (inside.length === best.inside.length && start < best.start))
      best = { start, inside };
  }
  const chosen = best!;
  const byKind = Object.fromEntries(
    LOAD_CONTACT_KINDS.map((kind) => [kind, chosen.inside.filter((item) => item.kind === kind).length]),
  ) as Record<LoadContactKind, number>;
  return {
    windowStart: new Date(chosen.start).toISOString(),
    windowEnd: new Date(chosen.start + length).toISOString(),
    contacts: chosen.inside.length,
    byKind,
    cap: policy.therapeuticLoadCap,
    overCap: chosen.inside.length > policy.therapeuticLoadCap,
  };
}

/** How many items start inside the window [windowStart, windowEnd). */
export function contactsIn(items: readonly LoadItem[], window: LoadWindow): number {
  const [start, end] = [Date.parse(window.windowStart), Date.parse(window.windowEnd)];
  return items.filter((item) => Date.parse(item.start) >= start && Date.parse(item.start) < end).length;
}

export interface Conflict {
  session: GroupSessionSlot;
  conflict: 'overlap' | 'too-close';
  gapMinutes: number;
}

/** Group sessions that overlap the contact, or lie closer to it than the configured window. */
export function conflictsWith(
  contact: ContactTime,
  groupSessions: readonly GroupSessionSlot[],
  policy: LoadPolicy,
): Conflict[] {
  const [start, end] = [Date.parse(contact.start), Date.parse(contact.end)];
  return groupSessions.flatMap((session): Conflict[] => {
    const [sStart, sEnd] = [Date.parse(session.start), Date.parse(session.end)];
    const gap = Math.max(sStart - end, start - sEnd);
    if (gap < 0) return [{ session, conflict: 'overlap' as const, gapMinutes: 0 }];
    const gapMinutes = Math.floor(gap / MINUTE);
    return gapMinutes < policy.conflictWindowMinutes ? [{ session, conflict: 'too-close' as const, gapMinutes }] : [];
  });
}
