import type { TherapeuticContactKind } from '@carecircle/scheduling/domain';
import { bookContact, cancelContact, changeContact } from '../therapeutic-load/member-load.handler';
import type { RequestContext, SchedulingDeps } from '../scheduling.deps';

const SNOMED = 'http://snomed.info/sct';

/**
 * Which therapeutic contact an EHR appointment is, by its `serviceType` codings, keyed `system|code`.
 * Only codes whose meaning is certain are listed; an appointment none of whose codes is here (or whose
 * codes disagree) is not one of the member's therapeutic contacts as far as scheduling can tell.
 *
 * Defaults:
 * - SNOMED CT 228557008 "Cognitive and behavioral therapy" → cbt
 * - SNOMED CT 394587001 "Psychiatry" (specialty) → psychiatry
 * - SNOMED CT 394806003 "Palliative medicine" (specialty) → palliative
 * - SNOMED CT 409063005 "Counseling" (procedure) → individual-counseling (a member's own appointment,
 *   not a group: group sessions are scheduling's own and never arrive from the EHR)
 */
export const DEFAULT_SERVICE_TYPE_KINDS: Readonly<Record<string, TherapeuticContactKind>> = {
  [`${SNOMED}|228557008`]: 'cbt',
  [`${SNOMED}|394587001`]: 'psychiatry',
  [`${SNOMED}|394806003`]: 'palliative',
  [`${SNOMED}|409063005`]: 'individual-counseling',
};

/** FHIR R4 Appointment.status values that mean the member has the contact (`arrived` kept for older senders). */
const HELD = new Set(['booked', 'pending', 'arrived', 'checked-in', 'fulfilled']);
/** Statuses that mean the contact will not (or did not) take place. */
const CANCELLED = new Set(['cancelled', 'noshow', 'entered-in-error']);

export interface IngestedAppointment {
  memberId: string;
  resourceId: string;
  revision: number;
  status: string;
  serviceTypes: readonly { system?: string; code: string }[];
  start?: string;
  end?: string;
}

export type AppointmentCommand =
  | { action: 'book'; memberId: string; contactId: string; kind: TherapeuticContactKind; start: string; end: string }
  | { action: 'cancel'; memberId: string; contactId: string }
  | { action: 'ignore'; reason: 'status' | 'unknown-kind' | 'ambiguous-kind' | 'no-time' };

/** The contact id of a gateway appointment: the same resource is always the same contact, whatever its revision. */
export const gatewayContactId = (resourceId: string) => `gw-appt-${resourceId.toLowerCase()}`;

/** The kind the codes say, or why it cannot be told. */
export function contactKindOf(
  serviceTypes: IngestedAppointment['serviceTypes'],
  table: Readonly<Record<string, TherapeuticContactKind>> = DEFAULT_SERVICE_TYPE_KINDS,
): { kind: TherapeuticContactKind } | { reason: 'unknown-kind' | 'ambiguous-kind' } {
  const kinds = new Set<TherapeuticContactKind>();
  for (const { system, code } of serviceTypes) {
    const kind = system ? table[`${system}|${code}`] : undefined;
    if (kind) kinds.add(kind);
  }
  if (kinds.size === 0) return { reason: 'unknown-kind' as const };
  if (kinds.size > 1) return { reason: 'ambiguous-kind' as const };
  const [only] = [...kinds];
  return only ? { kind: only } : { reason: 'unknown-kind' };
}

/** Pure: what one appointment revision asks of the member's load. */
export function toAppointmentCommand(
  appointment: IngestedAppointment,
  table: Readonly<Record<string, TherapeuticContactKind>> = DEFAULT_SERVICE_TYPE_KINDS,
): AppointmentCommand {
  const contactId = gatewayContactId(appointment.resourceId);
  if (CANCELLED.has(appointment.status)) return { action: 'cancel', memberId: appointment.memberId, contactId };
  if (!HELD.has(appointment.status)) return { action: 'ignore', reason: 'status' };
  const kind = contactKindOf(appointment.serviceTypes, table);
  if ('reason' in kind) return { action: 'ignore', reason: kind.reason };
  if (!appointment.start || !appointment.end) return { action: 'ignore', reason: 'no-time' };
  const start = new Date(appointment.start).toISOString();
  const end = new Date(appointment.end).toISOString();
  return { action: 'book', memberId: appointment.memberId, contactId, kind: kind.kind, start, end };
}

export type AppointmentIngestResult =
  { status: 'applied'; events: readonly string[] } | { status: 'ignored'; reason: string };

/**
 * An appointment the gateway took in becomes the member's therapeutic contact through the same
 * commands as a REST booking (so load and clashes are computed alike): a first held revision books,
 * a later one with another time changes, a cancelled one cancels. Redelivering a revision decides
 * again on the same facts and writes nothing. Domain refusals that only mean "nothing to do" (cancel
 * of a contact never booked, a change to a cancelled one) are reported as ignored, never thrown.
 */
export function ingestAppointment(
  deps: SchedulingDeps,
  table: Readonly<Record<string, TherapeuticContactKind>> = DEFAULT_SERVICE_TYPE_KINDS,
) {
  const book = bookContact(deps);
  const change = changeContact(deps);
  const cancel = cancelContact(deps);
  return async (appointment: IngestedAppointment, context: RequestContext): Promise<AppointmentIngestResult> => {
    const command = toAppointmentCommand(appointment, table);
    switch (command.action) {
      case 'ignore':
        return { status: 'ignored', reason: command.reason };
      case 'cancel': {
        const outcome = await cancel(command.memberId, { contactId: command.contactId }, context);
        if (outcome.ok) return { status: 'applied', events: outcome.events.map((e) => e.type) };
        if (outcome.error.code === 'scheduling.contact-unknown')
          return { status: 'ignored', reason: 'cancel-of-unbooked' };
        throw new Error(`cancelling a gateway appointment failed: ${outcome.error.code}`);
      }
      case 'book': {
        const { memberId, contactId, kind, start, end } = command;
        const booked = await book(memberId, { contact: { contactId, kind, start, end } }, context);
        if (booked.ok) return { status: 'applied', events: booked.events.map((e) => e.type) };
        if (booked.error.code !== 'scheduling.contact-exists') return refused(booked.error.code);
        // Already booked under this id with another time (a later revision), or cancelled before.
        const changed = await change(memberId, { contactId, time: { start, end } }, context);
        if (changed.ok) return { status: 'applied', events: changed.events.map((e) => e.type) };
        return refused(changed.error.code);
      }
    }
  };
}

/** Rule violations in the EHR's data (an end before the start, a rebooked cancellation) change nothing and are not retried. */
function refused(code: string): AppointmentIngestResult {
  return { status: 'ignored', reason: code };
}
