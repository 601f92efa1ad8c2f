import { drugName } from './drug-names';
import type {
  AlertLifecycle,
  AlertState,
  EntryView,
  Severity,
  TimelineEntry,
  TimelineSourceEvent,
} from './timeline-entry';

/** Every integration event type of the four services, and what the timeline does with it. */
export const TIMELINE_EVENT_TYPES = [
  // enrollment
  'ReferralReceived',
  'ScreeningCompleted',
  'PsychiatricEvaluationRequired',
  'IndividualCounselingRecommended',
  'ConsentRecorded',
  'ConsentWithdrawn',
  'MemberEnrolled',
  'MemberWithdrew',
  'MemberWaitlisted',
  'SeatOffered',
  'OfferDeclined',
  'OfferExpired',
  'WaitlistLeft',
  // scheduling
  'GroupFormed',
  'GroupChanged',
  'GroupClosed',
  'SessionScheduled',
  'SessionRescheduled',
  'SessionCancelled',
  'AttendanceRecorded',
  'AttendanceCorrected',
  'DoseReached',
  'OffTrackForDose',
  'TherapeuticContactBooked',
  'TherapeuticContactChanged',
  'TherapeuticContactCancelled',
  'TherapeuticLoadChanged',
  'SchedulingConflictDetected',
  'SchedulingConflictResolved',
  'TherapeuticOverloadResolved',
  // clinician-liaison
  'CoordinationAlertRaised',
  'AlertAcknowledged',
  'AlertEscalated',
  'AlertResolved',
  'MedicationChanged',
  'TreatmentPlanUpdated',
  'MedicationSharingWithFacilitatorChanged',
  'CareTeamMemberAssigned',
  'CareTeamMemberEnded',
  'EmergencyAccessOpened',
  // outcomes
  'MeasureRecorded',
  'MeasureCorrected',
  'ImprovementDetected',
  'DeteriorationDetected',
  'SuicidalIdeationReported',
] as const;
export type TimelineEventType = (typeof TIMELINE_EVENT_TYPES)[number];

export function isTimelineEventType(type: string): type is TimelineEventType {
  return (TIMELINE_EVENT_TYPES as readonly string[]).includes(type);
}

/** What the projection knows beyond the event: the members of a group (for group-level events). */
export interface TimelineContext {
  groupMembers: readonly string[];
  /**
   * The member's consent to share medication details before a `MedicationSharingWithFacilitatorChanged`
   * (undefined: none yet). Liaison repeats the value when another profile field changes; a repeat adds no entry.
   */
  medicationSharingBefore?: boolean;
}

const NO_CONTEXT: TimelineContext = { groupMembers: [] };

type Payload = Readonly<Record<string, unknown>>;
type Draft = Omit<TimelineEntry, 'memberId' | 'sourceEventId' | 'type' | 'facilitatorView'> & {
  facilitatorView?: EntryView;
};

const str = (payload: Payload, key: string): string => String(payload[key] ?? '');
const words = (value: string): string => value.replace(/-/g, ' ');
const LIFECYCLE_TYPES: Partial<Record<TimelineEventType, AlertState>> = {
  AlertAcknowledged: 'acknowledged',
  AlertEscalated: 'escalated',
  AlertResolved: 'resolved',
};
const SERIOUS_BANDS = new Set(['moderately-severe', 'severe', 'provisional-ptsd', 'moderate-severe', '90-or-more']);
const ANTIDEPRESSANTS = new Set(['ssri', 'snri', 'tca', 'maoi', 'other-antidepressant']);

/** The members an event is about: its member subject, or for group events the group's current members. */
function membersOf(event: TimelineSourceEvent, context: TimelineContext): readonly string[] {
  if (event.subject.startsWith('mbr_')) return [event.subject];
  return context.groupMembers;
}

/**
 * When the fact happened, as its payload says (e.g. `acknowledgedAt`); the envelope's `occurredAt` otherwise.
 * Attendance happened at its session, whenever the sheet was saved (`recordedAt` is shown on hover).
 */
const FACT_TIME_KEYS = [
  'sessionStartsAt',
  'receivedAt',
  'screenedAt',
  'requiredAt',
  'recommendedAt',
  'recordedAt',
  'withdrawnAt',
  'enrolledAt',
  'withdrewAt',
  'waitlistedAt',
  'offeredAt',
  'declinedAt',
  'expiredAt',
  'leftAt',
  'closedAt',
  'correctedAt',
  'reachedAt',
  'assessedAt',
  'bookedAt',
  'cancelledAt',
  'detectedAt',
  'raisedAt',
  'acknowledgedAt',
  'escalatedAt',
  'resolvedAt',
  'changedAt',
  'updatedAt',
  'administeredAt',
  'activeFrom',
  'endedAt',
  'openedAt',
] as const;

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function factTime(event: TimelineSourceEvent): string {
  const p = event.payload as Payload;
  const key = FACT_TIME_KEYS.find((candidate) => typeof p[candidate] === 'string');
  return key ? String(p[key]) : event.occurredAt;
}

/** The entry an event adds (full view and, when it differs, the facilitator's), or none. */
function draft(type: TimelineEventType, event: TimelineSourceEvent): Draft | undefined {
  const p = event.payload as Payload;
  const at = factTime(event);
  switch (type) {
    case 'ReferralReceived':
      return {
        at,
        kind: 'referral',
        title: `Referral received: ${words(str(p, 'wantedGroupType'))} group, ${words(str(p, 'modalityPreference'))}`,
        details: p,
      };
    case 'ScreeningCompleted': {
      const outcome = str(p, 'outcome');
      const severity: Severity | undefined =
        outcome === 'psychiatric-evaluation-required' || outcome === 'placement-on-hold' ? 'warning' : undefined;
      return {
        at,
        kind: 'screening',
        title: `Screening: ${words(outcome)}`,
        ...(severity ? { severity } : {}),
        details: p,
      };
    }
    case 'PsychiatricEvaluationRequired':
      return {
        at,
        kind: 'screening',
        title: `Psychiatric evaluation required (${words(str(p, 'urgency'))})`,
        severity: p['urgency'] === 'same-day' ? 'critical' : 'warning',
        details: p,
      };
    case 'IndividualCounselingRecommended':
      return { at, kind: 'screening', title: 'Individual counselling recommended first', severity: 'info', details: p };
    case 'ConsentRecorded':
      return { at, kind: 'consent', title: `Consent recorded: ${words(str(p, 'kind'))}`, details: p };
    case 'ConsentWithdrawn':
      return {
        at,
        kind: 'consent',
        title: `Consent withdrawn: ${words(str(p, 'kind'))}`,
        severity: 'warning',
        details: p,
      };
    case 'MemberEnrolled':
      return { at, kind: 'enrolment', title: `Enrolled in group ${str(p, 'groupId')}`, details: p };
    case 'MemberWithdrew':
      return {
        at,
        kind: 'enrolment',
        title: `Withdrew from group ${str(p, 'groupId')} (${words(str(p, 'reason'))})`,
        details: p,
      };
    case 'MemberWaitlisted':
      return {
        at,
        kind: 'waitlist',
        title: `Waitlisted for ${str(p, 'groupId')}, position ${str(p, 'position')}`,
        details: p,
      };
    case 'SeatOffered':
      return { at, kind: 'waitlist', title: `Seat offered in ${str(p, 'groupId')}`, details: p };
    case 'OfferDeclined':
      return { at, kind: 'waitlist', title: 'Seat offer declined', details: p };
    case 'OfferExpired':
      return { at, kind: 'waitlist', title: 'Seat offer expired', details: p };
    case 'WaitlistLeft':
      return { at, kind: 'waitlist', title: `Left the waitlist (${words(str(p, 'reason'))})`, details: p };
    case 'GroupFormed':
    case 'GroupChanged':
      return undefined; // about the group, not its members; they feed access (facilitators) instead
    case 'GroupClosed':
      return { at, kind: 'session', title: `Group closed (${words(str(p, 'reason'))})`, details: p };
    case 'SessionScheduled':
      return {
        at,
        kind: 'session',
        title: `Session ${str(p, 'sequence')} scheduled for ${str(p, 'startsAt')}`,
        details: p,
      };
    case 'SessionRescheduled':
      return { at, kind: 'session', title: `Session ${str(p, 'sequence')} moved to ${str(p, 'startsAt')}`, details: p };
    case 'SessionCancelled':
      return {
        at,
        kind: 'session',
        title: `Session ${str(p, 'sequence')} cancelled (${words(str(p, 'reason'))})`,
        details: p,
      };
    case 'AttendanceRecorded':
    case 'AttendanceCorrected': {
      const status = str(p, 'status');
      const verb = type === 'AttendanceCorrected' ? 'corrected to' : 'recorded:';
      return {
        at,
        kind: 'attendance',
        title: `Attendance ${verb} ${words(status)} (${str(p, 'sessionsAttended')} attended)`,
        ...(status === 'absent' ? { severity: 'info' as const } : {}),
        details: p,
      };
    }
    case 'DoseReached':
      return {
        at,
        kind: 'dose',
        title: `Dose reached: ${str(p, 'sessionsAttended')} of ${str(p, 'doseSessions')} sessions`,
        details: p,
      };
    case 'OffTrackForDose':
      return {
        at,
        kind: 'dose',
        title: `Off track for dose: ${str(p, 'sessionsAttended')} attended, ${str(p, 'sessionsRemaining')} remaining`,
        severity: 'warning',
        details: p,
      };
    case 'TherapeuticContactBooked':
      return { at, kind: 'contact', title: `${contactName(str(p, 'kind'))} booked for ${str(p, 'start')}`, details: p };
    case 'TherapeuticContactChanged':
      return { at, kind: 'contact', title: `${contactName(str(p, 'kind'))} moved to ${str(p, 'start')}`, details: p };
    case 'TherapeuticContactCancelled':
      return { at, kind: 'contact', title: `${contactName(str(p, 'kind'))} cancelled`, details: p };
    case 'TherapeuticLoadChanged':
      return {
        at,
        kind: 'contact',
        title: `Therapeutic load: ${str(p, 'contacts')} contacts in 7 days (cap ${str(p, 'cap')})`,
        ...(p['overCap'] === true ? { severity: 'warning' as const } : {}),
        details: p,
      };
    case 'SchedulingConflictDetected':
      return {
        at,
        kind: 'contact',
        title: `Scheduling conflict (${words(str(p, 'conflict'))}) with ${contactName(str(p, 'contactKind'))}`,
        severity: 'info',
        details: p,
      };
    case 'SchedulingConflictResolved':
      return {
        at,
        kind: 'contact',
        title: `Scheduling conflict with ${contactName(str(p, 'contactKind'))} resolved`,
        details: p,
      };
    case 'TherapeuticOverloadResolved':
      return {
        at,
        kind: 'contact',
        title: `Therapeutic load back within the cap: ${str(p, 'contacts')} contacts in 7 days (cap ${str(p, 'cap')})`,
        details: p,
      };
    case 'CoordinationAlertRaised': {
      const severity = str(p, 'severity') as Severity;
      const alert: AlertLifecycle = { alertId: str(p, 'alertId'), status: 'raised', steps: [{ state: 'raised', at }] };
      return {
        at,
        kind: 'alert',
        title: `Alert: ${words(str(p, 'rule'))}`,
        severity,
        details: p,
        facilitatorView: {
          title: `Alert: ${words(str(p, 'rule'))}`,
          details: {
            rule: p['rule'],
            severity: p['severity'],
            raisedAt: p['raisedAt'],
            recipientRole: p['recipientRole'],
          },
        },
        alert,
      };
    }
    case 'AlertAcknowledged':
      return {
        at,
        kind: 'alert',
        title: `Alert ${p['outcome'] === 'overridden' ? 'overridden' : 'acknowledged'}`,
        details: p,
      };
    case 'AlertEscalated':
      return {
        at,
        kind: 'alert',
        title: `Alert escalated (level ${str(p, 'level')})`,
        severity: 'warning',
        details: p,
      };
    case 'AlertResolved':
      return { at, kind: 'alert', title: 'Alert resolved', details: p };
    case 'MedicationChanged': {
      const classes = (p['classes'] as string[] | undefined) ?? [];
      const name = drugName((p['rxnormIngredient'] as string | null | undefined) ?? null);
      const drug = name ?? (p['rxnormIngredient'] ? `RxNorm ${str(p, 'rxnormIngredient')}` : 'unclassified medication');
      const watch = classes.some((cls) => ANTIDEPRESSANTS.has(cls))
        ? 'watch for activation'
        : 'watch for changes in mood or alertness';
      return {
        at,
        kind: 'treatment',
        title: `Medication ${words(str(p, 'change'))}: ${drug}${classes.length ? ` (${classes.join(', ')})` : ''}`,
        details: { ...p, ...(name ? { drugName: name } : {}) },
        facilitatorView: {
          title: `Medication change: ${watch}`,
          details: { change: p['change'], changedAt: p['changedAt'] },
        },
      };
    }
    case 'MedicationSharingWithFacilitatorChanged':
      return p['shareMedicationDetailsWithFacilitator'] === true
        ? { at, kind: 'consent', title: 'Medication details shared with facilitators', details: p }
        : { at, kind: 'consent', title: 'Medication details no longer shared with facilitators', details: p };
    case 'CareTeamMemberAssigned': {
      const until = p['activeUntil'] ? ` until ${str(p, 'activeUntil').slice(0, 10)}` : '';
      return {
        at,
        kind: 'care-team',
        title: `${capitalised(words(str(p, 'role')))} joined the care team${until}`,
        details: p,
      };
    }
    case 'CareTeamMemberEnded':
      return { at, kind: 'care-team', title: `${capitalised(words(str(p, 'role')))} left the care team`, details: p };
    // The care team is told who opened the record in an emergency, why, and until when.
    case 'EmergencyAccessOpened':
      return {
        at,
        kind: 'care-team',
        severity: 'warning',
        title: `Emergency access opened by a clinician outside the care team (${words(str(p, 'reasonCode'))}), until ${str(p, 'expiresAt').slice(11, 16)} UTC`,
        details: p,
      };
    case 'TreatmentPlanUpdated':
      return {
        at,
        kind: 'treatment',
        title: `${p['plan'] === 'cbt-course' ? 'CBT course' : 'Palliative plan'} ${words(str(p, 'change'))}`,
        details: p,
      };
    case 'MeasureRecorded':
    case 'MeasureCorrected': {
      const band = str(p, 'band');
      const instrument = str(p, 'instrument').toUpperCase();
      const verb = type === 'MeasureCorrected' ? 'corrected' : 'recorded';
      return {
        at,
        kind: 'score',
        title: `${instrument} ${verb}: ${str(p, 'total')} (${words(band)})`,
        ...(SERIOUS_BANDS.has(band) ? { severity: 'warning' as const } : {}),
        details: p,
        facilitatorView: {
          title: `${instrument} ${verb}: ${str(p, 'total')} (${words(band)})`,
          details: {
            instrument: p['instrument'],
            total: p['total'],
            band: p['band'],
            point: p['point'],
            administeredAt: p['administeredAt'],
          },
        },
      };
    }
    case 'ImprovementDetected':
      return {
        at,
        kind: 'score',
        title: `${str(p, 'instrument').toUpperCase()} improved: ${str(p, 'from')} to ${str(p, 'to')}`,
        severity: 'info',
        details: p,
      };
    case 'DeteriorationDetected':
      return {
        at,
        kind: 'score',
        title: `${str(p, 'instrument').toUpperCase()} worsened: ${str(p, 'from')} to ${str(p, 'to')}`,
        severity: 'warning',
        details: p,
      };
    case 'SuicidalIdeationReported':
      return {
        at,
        kind: 'score',
        title: `PHQ-9 item 9 positive (${str(p, 'item9')}): same-day psychiatrist task`,
        severity: 'critical',
        details: p,
        facilitatorView: {
          title: 'Safety concern reported: psychiatrist notified today',
          details: { administeredAt: p['administeredAt'] },
        },
      };
  }
}

function contactName(kind: string): string {
  const names: Record<string, string> = {
    cbt: 'CBT session',
    psychiatry: 'Psychiatry appointment',
    palliative: 'Palliative visit',
    'individual-counseling': 'Individual counselling',
  };
  return names[kind] ?? words(kind);
}

/** New and changed entries for `event`, given the entries already on the timeline (to advance alert lifecycles). */
export function changesFor(
  entries: readonly TimelineEntry[],
  event: TimelineSourceEvent,
  context: TimelineContext = NO_CONTEXT,
): TimelineEntry[] {
  if (!isTimelineEventType(event.type)) return [];
  if (
    event.type === 'MedicationSharingWithFacilitatorChanged' &&
    (event.payload as Payload)['shareMedicationDetailsWithFacilitator'] === context.medicationSharingBefore
  )
    return [];
  const shape = draft(event.type, event);
  if (!shape) return [];
  const { facilitatorView, ...rest } = shape;
  const added = membersOf(event, context).map((memberId): TimelineEntry => ({
    ...rest,
    memberId,
    type: event.type,
    sourceEventId: event.eventId,
    facilitatorView: facilitatorView ?? { title: rest.title, details: rest.details },
  }));
  const lifecycleState = LIFECYCLE_TYPES[event.type];
  if (!lifecycleState) return added;
  const payload = event.payload as Payload;
  const state: AlertState = payload['outcome'] === 'overridden' ? 'overridden' : lifecycleState;
  const raised = entries.find(
    (entry) => entry.alert?.alertId === payload['alertId'] && entry.memberId === event.subject,
  );
  const at = factTime(event);
  if (!raised?.alert || raised.alert.steps.some((step) => step.at === at && step.state === state)) return added;
  const step = { state, at, ...(typeof payload['level'] === 'number' ? { level: payload['level'] } : {}) };
  const steps = [...raised.alert.steps, step].sort((a, b) => a.at.localeCompare(b.at));
  const last = steps[steps.length - 1];
  const status: AlertState = steps.some((s) => s.state === 'resolved') ? 'resolved' : (last?.state ?? 'raised');
  return [...added, { ...raised, alert: { ...raised.alert, status, steps } }];
}

export const entryKey = (entry: Pick<TimelineEntry, 'memberId' | 'sourceEventId'>): string =>
  `${entry.memberId}|${entry.sourceEventId}`;

/** Chronological: by time, then by source event id (stable, and the API's cursor order). */
export function compareEntries(a: TimelineEntry, b: TimelineEntry): number {
  return a.at === b.at ? a.sourceEventId.localeCompare(b.sourceEventId) : a.at.localeCompare(b.at);
}

/** The timeline after `event`: an entry per member it concerns; a repeated event changes nothing. */
export function evolve(
  entries: readonly TimelineEntry[],
  event: TimelineSourceEvent,
  context: TimelineContext = NO_CONTEXT,
): TimelineEntry[] {
  const byKey = new Map(entries.map((entry) => [entryKey(entry), entry]));
  for (const change of changesFor(entries, event, context)) {
    const key = entryKey(change);
    if (change.sourceEventId === event.eventId && byKey.has(key)) continue; // already applied
    byKey.set(key, change);
  }
  return [...byKey.values()].sort(compareEntries);
}
