import { drugClassName, drugClassOf, drugName } from './drug-names';
import type { TimelineEntry } from './timeline-entry';

/**
 * Who the sentence is for: `full` (the care team, or a facilitator the member shares treatment details with)
 * or `minimum` (a facilitator otherwise: no drug names or doses, no scores' items, no prescriber).
 */
export type SentenceAudience = 'full' | 'minimum';

type Payload = Readonly<Record<string, unknown>>;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const str = (p: Payload, key: string): string => String(p[key] ?? '');
const words = (value: string): string => value.replace(/-/g, ' ');
const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
const instrument = (p: Payload): string => str(p, 'instrument').toUpperCase();

/** "2 Mar 2026, 18:05 UTC": a date a person reads, in the one zone the server knows everyone shares. */
export function readableTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const hh = String(date.getUTCHours()).padStart(2, '0');
  const mm = String(date.getUTCMinutes()).padStart(2, '0');
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${hh}:${mm} UTC`;
}

const ATTENDANCE: Readonly<Record<string, string>> = {
  'attended-in-person': 'attended a group session in person',
  'attended-online': 'attended a group session online',
  absent: 'missed a group session',
  excused: 'was excused from a group session',
};

const CONTACTS: Readonly<Record<string, string>> = {
  cbt: 'CBT session',
  psychiatry: 'psychiatry appointment',
  palliative: 'palliative visit',
  'individual-counseling': 'individual counselling session',
};
const contact = (kind: string): string => CONTACTS[kind] ?? words(kind);

const CHANGES: Readonly<Record<string, string>> = {
  started: 'started',
  'dose-changed': 'dose changed',
  stopped: 'stopped',
};

/** Staff display names by staff id (the sealed staff directory's), for the readers allowed to see who acted. */
export type StaffNames = Readonly<Record<string, string>>;

const DOSE_UNITS: ReadonlySet<unknown> = new Set(['mg/day', 'mcg/h']);

/** "50 mg/day" when the event carries a daily dose (liaison publishes numbers in two units only). */
function dailyDoseOf(p: Payload): string | undefined {
  const dose = p['dailyDose'];
  return typeof dose === 'number' && Number.isFinite(dose) && DOSE_UNITS.has(p['doseUnit'])
    ? `${Math.round(dose * 100) / 100} ${str(p, 'doseUnit')}`
    : undefined;
}

/** The person's name when the directory knows it, else their id (nothing better to show). */
const staffName = (id: string, names: StaffNames): string => (Object.hasOwn(names, id) ? names[id] : undefined) ?? id;

/**
 * "Sertraline, antidepressant (SSRI), 50 mg/day, started by Dr Ada Example" for the care team (the prescriber
 * by name when the directory knows them); "Antidepressant (SSRI) started" otherwise: no drug, dose or prescriber.
 */
function medicationSentence(p: Payload, audience: SentenceAudience, names: StaffNames): string {
  const ingredient = (p['rxnormIngredient'] as string | null | undefined) ?? null;
  const drugClass = drugClassOf((p['classes'] as string[] | undefined) ?? [], ingredient);
  const className = drugClass ? drugClassName(drugClass) : undefined;
  const change = CHANGES[str(p, 'change')] ?? words(str(p, 'change'));
  if (audience === 'minimum') return `${capitalised(className ?? 'a medicine')} ${change}`;
  const name = drugName(ingredient) ?? (ingredient ? `RxNorm ingredient ${ingredient}` : undefined);
  const drug = name
    ? [capitalised(name), ...(className ? [className] : [])]
    : [capitalised(className ?? 'another medicine (named in the medication list)')];
  const dose = dailyDoseOf(p);
  const doseChanged = p['change'] === 'dose-changed';
  const what = dose && !doseChanged ? [...drug, dose] : drug;
  const happened = dose && doseChanged ? `dose changed to ${dose}` : change;
  const by = p['prescriberId'] ? ` by ${staffName(str(p, 'prescriberId'), names)}` : '';
  return what.length > 1 ? `${what.join(', ')}, ${happened}${by}` : `${what[0]} ${happened}${by}`;
}

/**
 * One sentence a person reads for a timeline entry: no field names, no raw dates, no codes. Built from the
 * full entry, it says no more than the audience may see (a facilitator's names the medicine's class only).
 * `names`: staff names the reader may see (see `staffIdsNamedFor`); an id without one shows as the id.
 */
export function sentenceOf(entry: TimelineEntry, audience: SentenceAudience, names: StaffNames = {}): string {
  const p = entry.details as Payload;
  const fallback = audience === 'full' ? entry.title : entry.facilitatorView.title;
  switch (entry.type) {
    case 'ReferralReceived':
      return `Referred for a ${words(str(p, 'wantedGroupType'))} group (${words(str(p, 'modalityPreference'))})`;
    case 'ScreeningCompleted':
      return `Screening completed: ${words(str(p, 'outcome'))}`;
    case 'PsychiatricEvaluationRequired':
      return `Psychiatric evaluation needed (${words(str(p, 'urgency'))})`;
    case 'IndividualCounselingRecommended':
      return 'Individual counselling recommended before a group';
    case 'ConsentRecorded':
      return `Consent given: ${words(str(p, 'kind'))}`;
    case 'ConsentWithdrawn':
      return `Consent withdrawn: ${words(str(p, 'kind'))}`;
    case 'MemberEnrolled':
      return `Enrolled in group ${str(p, 'groupId')}`;
    case 'MemberWithdrew':
      return `Left group ${str(p, 'groupId')} (${words(str(p, 'reason'))})`;
    case 'MemberWaitlisted':
      return `Waitlisted for group ${str(p, 'groupId')}, number ${str(p, 'position')} in line`;
    case 'SeatOffered':
      return `Offered a seat in group ${str(p, 'groupId')}`;
    case 'OfferDeclined':
      return 'Declined the seat offered';
    case 'OfferExpired':
      return 'The seat offer expired';
    case 'WaitlistLeft':
      return `Left the waitlist (${words(str(p, 'reason'))})`;
    case 'GroupClosed':
      return `Group closed (${words(str(p, 'reason'))})`;
    case 'SessionScheduled':
      return `Group session ${str(p, 'sequence')} scheduled for ${readableTime(str(p, 'startsAt'))}`;
    case 'SessionRescheduled':
      return `Group session ${str(p, 'sequence')} moved to ${readableTime(str(p, 'startsAt'))}`;
    case 'SessionCancelled':
      return `Group session ${str(p, 'sequence')} cancelled (${words(str(p, 'reason'))})`;
    case 'AttendanceRecorded':
    case 'AttendanceCorrected': {
      const what = ATTENDANCE[str(p, 'status')] ?? `attendance: ${words(str(p, 'status'))}`;
      const sofar = `${str(p, 'sessionsAttended')} attended so far`;
      return entry.type === 'AttendanceCorrected'
        ? `Attendance corrected: ${what} (${sofar})`
        : `${capitalised(what)} (${sofar})`;
    }
    case 'DoseReached':
      return `Reached the therapeutic dose: ${str(p, 'sessionsAttended')} of ${str(p, 'doseSessions')} sessions attended`;
    case 'OffTrackForDose':
      return `Off track for the therapeutic dose: ${str(p, 'sessionsAttended')} sessions attended, ${str(p, 'sessionsRemaining')} left`;
    case 'TherapeuticContactBooked':
      return `${capitalised(contact(str(p, 'kind')))} booked for ${readableTime(str(p, 'start'))}`;
    case 'TherapeuticContactChanged':
      return `${capitalised(contact(str(p, 'kind')))} moved to ${readableTime(str(p, 'start'))}`;
    case 'TherapeuticContactCancelled':
      return `${capitalised(contact(str(p, 'kind')))} cancelled`;
    case 'TherapeuticLoadChanged':
      return `${str(p, 'contacts')} therapeutic contacts in 7 days (the cap is ${str(p, 'cap')})`;
    case 'TherapeuticOverloadResolved':
      return `Therapeutic contacts back within the cap: ${str(p, 'contacts')} in 7 days (cap ${str(p, 'cap')})`;
    case 'SchedulingConflictDetected':
      return `A group session clashes with a ${contact(str(p, 'contactKind'))} (${words(str(p, 'conflict'))})`;
    case 'SchedulingConflictResolved':
      return `The clash with a ${contact(str(p, 'contactKind'))} is resolved`;
    case 'CoordinationAlertRaised': {
      const to = p['recipientRole'] ? `, sent to the ${words(str(p, 'recipientRole'))}` : '';
      return `Alert: ${words(str(p, 'rule'))}${to}`;
    }
    case 'AlertAcknowledged':
      return p['outcome'] === 'overridden' ? 'Alert overridden, with a reason' : 'Alert acknowledged';
    case 'AlertEscalated':
      return `Alert escalated to level ${str(p, 'level')}`;
    case 'AlertResolved':
      return 'Alert resolved';
    case 'MedicationChanged':
      return medicationSentence(p, audience, names);
    case 'TreatmentPlanUpdated':
      return `${p['plan'] === 'cbt-course' ? 'CBT course' : 'Palliative care plan'}: ${words(str(p, 'change'))}`;
    case 'CareTeamMemberAssigned': {
      const until = p['activeUntil'] ? ` until ${readableTime(str(p, 'activeUntil')).split(',')[0]}` : '';
      return `${capitalised(words(str(p, 'role')))} joined the care team${until}`;
    }
    case 'MeasureRecorded':
      return `${instrument(p)} score ${str(p, 'total')} (${words(str(p, 'band'))}), ${words(str(p, 'point'))}`;
    case 'MeasureCorrected':
      return `${instrument(p)} score corrected to ${str(p, 'total')} (${words(str(p, 'band'))}), ${words(str(p, 'point'))}`;
    case 'ImprovementDetected':
      return `${instrument(p)} improved from ${str(p, 'from')} to ${str(p, 'to')}`;
    case 'DeteriorationDetected':
      return `${instrument(p)} worsened from ${str(p, 'from')} to ${str(p, 'to')}`;
    case 'SuicidalIdeationReported':
      return audience === 'full'
        ? 'PHQ-9 item 9 answered above zero: same-day task for the psychiatrist'
        : 'Safety concern reported: psychiatrist notified today';
    default:
      return fallback;
  }
}
