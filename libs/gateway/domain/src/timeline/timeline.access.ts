import type {
  AlertLifecycle,
  Severity,
  TimelineEntry,
  TimelineKind,
  TimelineSourceEvent,
  TimelineViewer,
} from './timeline-entry';
import { sentenceOf, type StaffNames } from './timeline-sentence';

/**
 * What the timeline keeps beside its entries: group rosters and facilitators (group events reach each
 * member's timeline) and how much facilitators see (the member's consent to share medication details).
 * Who may read a member is the access policy's (libs/platform/access), from authoritative relationships:
 * who prescribed, referred or was alerted grants nothing.
 */
export type AccessFact =
  | { kind: 'group-facilitators'; groupId: string; facilitatorIds: readonly string[] }
  | { kind: 'group-member'; groupId: string; memberId: string; present: boolean }
  | { kind: 'medication-sharing'; memberId: string; shareMedication: boolean };

type Payload = Readonly<Record<string, unknown>>;

export function accessFactsOf(event: TimelineSourceEvent): AccessFact[] {
  const p = event.payload as Payload;
  const member = event.subject;
  switch (event.type) {
    case 'GroupFormed':
    case 'GroupChanged':
      return [
        {
          kind: 'group-facilitators',
          groupId: String(p['groupId']),
          facilitatorIds: (p['facilitatorIds'] as string[] | undefined) ?? [],
        },
      ];
    case 'MemberEnrolled':
      return [{ kind: 'group-member', groupId: String(p['groupId']), memberId: member, present: true }];
    case 'MemberWithdrew':
      return [{ kind: 'group-member', groupId: String(p['groupId']), memberId: member, present: false }];
    case 'MedicationSharingWithFacilitatorChanged':
      return member.startsWith('mbr_')
        ? [
            {
              kind: 'medication-sharing',
              memberId: member,
              shareMedication: p['shareMedicationDetailsWithFacilitator'] === true,
            },
          ]
        : [];
    default:
      return [];
  }
}

/**
 * Liaison raises one copy of an alert per recipient. A facilitator's timeline shows their own copy, not
 * the care team's as well (the same alert again, redacted); the care team sees every copy, so they know
 * who else was told. Undefined: every copy.
 */
export function alertRecipientRolesShownTo(viewer: TimelineViewer): readonly string[] | undefined {
  return viewer.role === 'facilitator' ? ['facilitator'] : undefined;
}

export function isShownTo(entry: TimelineEntry, viewer: TimelineViewer): boolean {
  const roles = alertRecipientRolesShownTo(viewer);
  return !roles || entry.kind !== 'alert' || roles.includes(String(entry.details['recipientRole']));
}

/** An entry as one reader may see it. */
export interface TimelineEntryView {
  id: string;
  memberId: string;
  at: string;
  kind: TimelineKind;
  type: string;
  title: string;
  /** One sentence a person reads (no field names or codes), saying no more than this reader may see. */
  sentence: string;
  /** When the source service recorded the event (its envelope's time), when known; `at` is when it happened. */
  recordedAt?: string;
  severity?: Severity;
  details: Readonly<Record<string, unknown>>;
  alert?: AlertLifecycle;
  /** True when the reader sees the minimum-necessary view. */
  redacted: boolean;
}

/** The care team sees every entry in full; a facilitator treatment entries only, when the member consented. */
function seesInFull(entry: TimelineEntry, viewer: TimelineViewer): boolean {
  return viewer.role === 'clinician' || (viewer.consentToShareMedication && entry.kind === 'treatment');
}

/**
 * The staff whose names these entries' sentences show this reader: the prescribers of the medication
 * changes they see in full. Only these are looked up in the staff directory; a redacted entry names no one.
 */
export function staffIdsNamedFor(entries: readonly TimelineEntry[], viewer: TimelineViewer): string[] {
  const ids = entries
    .filter((entry) => entry.type === 'MedicationChanged' && seesInFull(entry, viewer))
    .map((entry) => entry.details['prescriberId'])
    .filter((id): id is string => typeof id === 'string' && id !== '');
  return [...new Set(ids)];
}

/**
 * Redaction at read time: the care team sees everything; a facilitator the minimum-necessary view,
 * except treatment details when the member consented to share them. `names`: from `staffIdsNamedFor`.
 */
export function viewOf(
  entry: TimelineEntry & { recordedAt?: string },
  viewer: TimelineViewer,
  names: StaffNames = {},
): TimelineEntryView {
  const full = seesInFull(entry, viewer);
  const shown = full ? { title: entry.title, details: entry.details } : entry.facilitatorView;
  return {
    id: entry.sourceEventId,
    memberId: entry.memberId,
    at: entry.at,
    kind: entry.kind,
    type: entry.type,
    title: shown.title,
    sentence: full ? sentenceOf(entry, 'full', names) : sentenceOf(entry, 'minimum'),
    ...(entry.recordedAt ? { recordedAt: entry.recordedAt } : {}),
    ...(entry.severity ? { severity: entry.severity } : {}),
    details: shown.details,
    ...(entry.alert ? { alert: entry.alert } : {}),
    redacted: !full && (shown.title !== entry.title || JSON.stringify(shown.details) !== JSON.stringify(entry.details)),
  };
}
