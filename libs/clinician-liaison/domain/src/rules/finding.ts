import { fold } from '@carecircle/shared-kernel';
import type { CoordinationEvent, CoordinationState, RecipientRole } from '../coordination/coordination';
import { coordinationDecider } from '../coordination/coordination.decider';

export type Severity = 'info' | 'warning' | 'critical';

export type RuleId =
  | 'antidepressant-change'
  | 'suicidal-ideation'
  | 'opioid-cns-depressant'
  | 'gabapentinoid-combination'
  | 'serotonin-syndrome'
  | 'opioid-dose'
  | 'therapeutic-overload'
  | 'scheduling-conflict'
  | 'outcome-worsening'
  | 'caregiver-burden'
  | 'attendance-below-dose'
  | 'acute-distress'
  | 'palliative-transition'
  | 'emergency-access-opened';

/** What a rule found: enough for an alert, its recipients and its reason. */
export interface Finding {
  rule: RuleId;
  severity: Severity;
  recipients: RecipientRole[];
  /** The facts that triggered it, with the ids of the events that recorded them. */
  evidence: { eventIds: string[]; facts: string[] };
  /** The same cause always yields the same key: it alerts once. */
  dedupKey: string;
  /** For clinicians (may name drugs). Under 140 characters. */
  summary: string;
  /** For facilitators without consent to see drug details: no drug names, no doses. Under 140 characters. */
  minimumNecessarySummary: string;
  /** Markdown with the reason and the evidence. */
  detail: string;
  /** When the recipients include the prescriber of the medication concerned. */
  prescriberIds?: string[];
  /** Medication details in the finding: facilitators see them only with consent. */
  mentionsMedication: boolean;
  /** Every current holder of each recipient role gets a copy (not only the first), and nobody if none holds it. */
  toEveryHolder?: boolean;
}

export interface RecordedCoordinationEvent {
  eventId: string;
  occurredAt: string;
  event: CoordinationEvent;
}

/** Which event recorded which fact, so findings can cite their evidence. */
export interface EvidenceIndex {
  /** medicationId → ids of the events that started it or changed its dose. */
  medications: Record<string, string[]>;
  contacts: Record<string, string>;
  measures: Record<string, string[]>;
}

/** What every rule sees: the member's state before and after the triggering event, and the trigger. */
export interface RuleInput {
  before: CoordinationState;
  after: CoordinationState;
  trigger: RecordedCoordinationEvent;
  index: EvidenceIndex;
}

/** Builds the rule input for the last event of a member's history (the trigger). Pure. */
export function ruleInputFor(history: readonly RecordedCoordinationEvent[]): RuleInput {
  const trigger = history[history.length - 1];
  if (!trigger) throw new Error('A rule run needs a triggering event');
  const before = fold(
    coordinationDecider,
    history.slice(0, -1).map((r) => r.event),
  );
  const after = coordinationDecider.evolve(before, trigger.event);
  const index: EvidenceIndex = { medications: {}, contacts: {}, measures: {} };
  for (const { eventId, event } of history) {
    switch (event.type) {
      case 'MedicationStarted':
      case 'MedicationDoseChanged':
        (index.medications[event.data.medicationId] ??= []).push(eventId);
        break;
      case 'ExternalFactRecorded': {
        const fact = event.data.fact;
        if (fact.kind === 'contact-booked') index.contacts[fact.contactId] = eventId;
        if (fact.kind === 'measure-recorded') (index.measures[fact.instrument] ??= []).push(eventId);
        break;
      }
      default:
        break;
    }
  }
  return { before, after, trigger, index };
}
