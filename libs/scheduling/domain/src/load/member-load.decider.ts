import { domainError, type Decider, type DomainError } from '@carecircle/shared-kernel';
import { busiestWindow, conflictsWith, contactsIn, loadItems, type LoadPolicy } from './load-window';
import {
  conflictKey,
  type ContactTime,
  type GroupSessionSlot,
  type LoadSnapshot,
  type MemberLoadCommand,
  type MemberLoadEvent,
  type MemberLoadState,
  type TherapeuticContact,
} from './member-load';

type Outcome = readonly MemberLoadEvent[] | DomainError;

/**
 * A member's structured therapeutic contacts outside the group. Every booking, change or
 * cancellation republishes the load of the busiest rolling window it touches (group sessions
 * included) and reports group sessions it clashes with.
 */
export function memberLoadDecider(policy: LoadPolicy): Decider<MemberLoadCommand, MemberLoadEvent, MemberLoadState> {
  return {
    initialState: { contacts: {}, lastLoad: null, reportedConflicts: {}, openOverloads: {} },
    decide(command, state) {
      const now = command.metadata.now.toISOString();
      switch (command.type) {
        case 'BookContact':
          return book(state, command.data, now, policy);
        case 'ChangeContact':
          return change(state, command.data, now, policy);
        case 'CancelContact':
          return cancel(state, command.data, now, policy);
        case 'ReassessLoad':
          return reassess(state, command.data, now, policy);
      }
    },
    evolve(state, event) {
      switch (event.type) {
        case 'TherapeuticContactBooked':
        case 'TherapeuticContactChanged': {
          const { contactId, kind, start, end } = event.data;
          return {
            ...state,
            contacts: { ...state.contacts, [contactId]: { contactId, kind, start, end, status: 'booked' } },
          };
        }
        case 'TherapeuticContactCancelled': {
          const current = state.contacts[event.data.contactId];
          return current
            ? { ...state, contacts: { ...state.contacts, [event.data.contactId]: { ...current, status: 'cancelled' } } }
            : state;
        }
        case 'TherapeuticLoadChanged': {
          const { memberId: _memberId, changedAt: _changedAt, ...snapshot } = event.data;
          const { windowStart, windowEnd } = snapshot;
          const openOverloads = snapshot.overCap
            ? { ...state.openOverloads, [windowStart]: { windowStart, windowEnd } }
            : state.openOverloads;
          return { ...state, lastLoad: snapshot, openOverloads };
        }
        case 'SchedulingConflictDetected': {
          const { groupId, sessionId, sessionStartsAt, contactId, contactKind, contactStart } = event.data;
          return {
            ...state,
            reportedConflicts: {
              ...state.reportedConflicts,
              [conflictKey(event.data)]: { groupId, sessionId, sessionStartsAt, contactId, contactKind, contactStart },
            },
          };
        }
        case 'SchedulingConflictResolved': {
          const { [conflictKey(event.data)]: _resolved, ...reportedConflicts } = state.reportedConflicts;
          return { ...state, reportedConflicts };
        }
        case 'TherapeuticOverloadResolved': {
          const { [event.data.windowStart]: _resolved, ...openOverloads } = state.openOverloads;
          return { ...state, openOverloads };
        }
      }
    },
  };
}

export function activeContacts(state: MemberLoadState, except?: string): TherapeuticContact[] {
  return Object.values(state.contacts)
    .filter((c) => c.status === 'booked' && c.contactId !== except)
    .map(({ contactId, kind, start, end }) => ({ contactId, kind, start, end }));
}

/** "What would the load be if this were booked?": the answer before anything is written. */
export function loadIfBooked(
  state: MemberLoadState,
  proposed: ContactTime & { kind: TherapeuticContact['kind'] },
  groupSessions: GroupSessionSlot[],
  policy: LoadPolicy,
) {
  const current = busiestWindow(loadItems(activeContacts(state), groupSessions), proposed, policy);
  const withProposed = busiestWindow(
    loadItems([...activeContacts(state), { contactId: 'proposed', ...proposed }], groupSessions),
    proposed,
    policy,
  );
  return {
    current,
    ifBooked: withProposed,
    wouldCrossCap: !current.overCap && withProposed.overCap,
    conflicts: conflictsWith(proposed, groupSessions, policy).map((c) => ({
      groupId: c.session.groupId,
      sessionId: c.session.sessionId,
      start: c.session.start,
      end: c.session.end,
      conflict: c.conflict,
      gapMinutes: c.gapMinutes,
    })),
  };
}

function book(
  state: MemberLoadState,
  data: Extract<MemberLoadCommand, { type: 'BookContact' }>['data'],
  now: string,
  policy: LoadPolicy,
): Outcome {
  const { contact, memberId } = data;
  const invalid = timeViolation(contact);
  if (invalid) return invalid;
  const existing = state.contacts[contact.contactId];
  if (existing) {
    const same =
      existing.kind === contact.kind &&
      existing.start === contact.start &&
      existing.end === contact.end &&
      existing.status === 'booked';
    return same
      ? []
      : domainError(
          'conflict',
          'scheduling.contact-exists',
          'A different contact was already booked under this contact id.',
        );
  }
  return [
    { type: 'TherapeuticContactBooked', data: { ...contact, memberId, bookedAt: now } },
    loadChanged(
      memberId,
      busiestWindow(loadItems([...activeContacts(state), contact], data.groupSessions), contact, policy),
      now,
    ),
    ...conflictEvents(memberId, contact, data.groupSessions, now, policy),
  ];
}

function change(
  state: MemberLoadState,
  data: Extract<MemberLoadCommand, { type: 'ChangeContact' }>['data'],
  now: string,
  policy: LoadPolicy,
): Outcome {
  const existing = state.contacts[data.contactId];
  if (!existing)
    return domainError('not-found', 'scheduling.contact-unknown', 'No contact with this id was booked for the member.');
  if (existing.status === 'cancelled')
    return domainError('conflict', 'scheduling.contact-cancelled', 'A cancelled contact cannot be changed.');
  const invalid = timeViolation(data.time);
  if (invalid) return invalid;
  if (existing.start === data.time.start && existing.end === data.time.end) return [];
  const moved: TherapeuticContact = { contactId: existing.contactId, kind: existing.kind, ...data.time };
  const contacts = [...activeContacts(state, existing.contactId), moved];
  return [
    {
      type: 'TherapeuticContactChanged',
      data: {
        ...moved,
        memberId: data.memberId,
        previousStart: existing.start,
        previousEnd: existing.end,
        changedAt: now,
      },
    },
    loadChanged(data.memberId, busiestWindow(loadItems(contacts, data.groupSessions), moved, policy), now),
    ...conflictEvents(data.memberId, moved, data.groupSessions, now, policy),
    ...noLongerHolding(state, data.memberId, contacts, data.groupSessions, now, policy),
  ];
}

function cancel(
  state: MemberLoadState,
  data: Extract<MemberLoadCommand, { type: 'CancelContact' }>['data'],
  now: string,
  policy: LoadPolicy,
): Outcome {
  const existing = state.contacts[data.contactId];
  if (!existing)
    return domainError('not-found', 'scheduling.contact-unknown', 'No contact with this id was booked for the member.');
  if (existing.status === 'cancelled') return [];
  const { status: _status, ...contact } = existing;
  const remaining = activeContacts(state, existing.contactId);
  return [
    { type: 'TherapeuticContactCancelled', data: { ...contact, memberId: data.memberId, cancelledAt: now } },
    loadChanged(data.memberId, busiestWindow(loadItems(remaining, data.groupSessions), existing, policy), now),
    ...noLongerHolding(state, data.memberId, remaining, data.groupSessions, now, policy),
  ];
}

function reassess(
  state: MemberLoadState,
  data: Extract<MemberLoadCommand, { type: 'ReassessLoad' }>['data'],
  now: string,
  policy: LoadPolicy,
): Outcome {
  const contacts = activeContacts(state);
  const items = loadItems(contacts, data.groupSessions);
  const busiest = data.anchors
    .map((anchor) => busiestWindow(items, anchor, policy))
    .reduce<LoadSnapshot | null>(
      (best, s) =>
        !best || s.contacts > best.contacts || (s.contacts === best.contacts && s.windowStart < best.windowStart)
          ? s
          : best,
      null,
    );
  // A member with no other contacts and a load within the cap has nothing to report yet.
  const worthSaying =
    busiest && (state.lastLoad ? !sameSnapshot(state.lastLoad, busiest) : contacts.length > 0 || busiest.overCap);
  const affected = data.groupSessions.filter((s) => data.affectedSessionIds.includes(s.sessionId));
  const conflicts = contacts
    .flatMap((contact) => conflictEvents(data.memberId, contact, affected, now, policy))
    .filter(
      (event) => event.type === 'SchedulingConflictDetected' && !state.reportedConflicts[conflictKey(event.data)],
    );
  return [
    ...(worthSaying ? [loadChanged(data.memberId, busiest, now)] : []),
    ...conflicts,
    ...noLongerHolding(state, data.memberId, contacts, data.groupSessions, now, policy),
  ];
}

/**
 * Reported clashes and over-cap windows that the member's contacts and counted group sessions no
 * longer bear out: a clash whose contact or session is gone or has moved, a window now within the
 * cap. Each is resolved once (evolve forgets it), so a clash that comes back is reported anew.
 */
function noLongerHolding(
  state: MemberLoadState,
  memberId: string,
  contacts: TherapeuticContact[],
  groupSessions: GroupSessionSlot[],
  now: string,
  policy: LoadPolicy,
): MemberLoadEvent[] {
  const holding = new Set(
    contacts.flatMap((contact) =>
      conflictsWith(contact, groupSessions, policy).map(({ session }) =>
        conflictKey({
          contactId: contact.contactId,
          contactStart: contact.start,
          sessionId: session.sessionId,
          sessionStartsAt: session.start,
        }),
      ),
    ),
  );
  const conflicts = Object.entries(state.reportedConflicts)
    .filter(([key]) => !holding.has(key))
    .map(([, conflict]): MemberLoadEvent => ({
      type: 'SchedulingConflictResolved',
      data: { memberId, ...conflict, resolvedAt: now },
    }));
  const items = loadItems(contacts, groupSessions);
  const overloads = Object.values(state.openOverloads)
    .map((window) => ({ window, count: contactsIn(items, window) }))
    .filter(({ count }) => count <= policy.therapeuticLoadCap)
    .map(({ window, count }): MemberLoadEvent => ({
      type: 'TherapeuticOverloadResolved',
      data: { memberId, ...window, contacts: count, cap: policy.therapeuticLoadCap, resolvedAt: now },
    }));
  return [...conflicts, ...overloads];
}

function sameSnapshot(a: LoadSnapshot, b: LoadSnapshot): boolean {
  const kinds = Object.keys({ ...a.byKind, ...b.byKind }) as (keyof LoadSnapshot['byKind'])[];
  return (
    a.windowStart === b.windowStart &&
    a.windowEnd === b.windowEnd &&
    a.contacts === b.contacts &&
    a.cap === b.cap &&
    a.overCap === b.overCap &&
    kinds.every((k) => a.byKind[k] === b.byKind[k])
  );
}

function timeViolation(time: ContactTime): DomainError | null {
  return Date.parse(time.end) > Date.parse(time.start)
    ? null
    : domainError('rule-violation', 'scheduling.contact-ends-before-start', 'A contact must end after it starts.');
}

function loadChanged(memberId: string, snapshot: LoadSnapshot, now: string): MemberLoadEvent {
  return { type: 'TherapeuticLoadChanged', data: { ...snapshot, memberId, changedAt: now } };
}

function conflictEvents(
  memberId: string,
  contact: TherapeuticContact,
  groupSessions: GroupSessionSlot[],
  now: string,
  policy: LoadPolicy,
): MemberLoadEvent[] {
  return conflictsWith(contact, groupSessions, policy).map(({ session, conflict, gapMinutes }) => ({
    type: 'SchedulingConflictDetected',
    data: {
      memberId,
      groupId: session.groupId,
      sessionId: session.sessionId,
      sessionStartsAt: session.start,
      sessionEndsAt: session.end,
      contactId: contact.contactId,
      contactKind: contact.kind,
      contactStart: contact.start,
      contactEnd: contact.end,
      conflict,
      gapMinutes,
      windowMinutes: policy.conflictWindowMinutes,
      detectedAt: now,
    },
  }));
}
