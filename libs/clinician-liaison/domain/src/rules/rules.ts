import type { CoordinationState, ExternalFact, Medication } from '../coordination/coordination';
import { ageRangeOn, careTeamAt, inPalliativeCohort, windowsOverlap } from '../coordination/coordination.decider';
import type { DrugClass } from '@carecircle/shared-kernel';
import {
  ANTIDEPRESSANT_CLASSES,
  CNS_DEPRESSANT_CLASSES,
  SEROTONERGIC_CLASSES,
} from '../terminology/medication-terminology';
import type { Finding, RuleInput, Severity } from './finding';
import type { RuleConfig } from './rule-config';

type Rule = (input: RuleInput, config: RuleConfig) => Finding[];

const MS_PER_DAY = 86_400_000;

function classesOf(m: Medication): DrugClass[] {
  return m.classification.status === 'classified' ? m.classification.classes : [];
}
const hasAny = (m: Medication, classes: readonly DrugClass[]) => classesOf(m).some((c) => classes.includes(c));
const active = (state: CoordinationState) => Object.values(state.medications).filter((m) => m.status === 'active');
const drugName = (m: Medication) => (m.classification.status === 'classified' ? m.classification.ingredient : m.name);
const inGroup = (state: CoordinationState) => Object.values(state.groups).some((g) => g.active);
/** The member's age on the day the rule runs (never a stored number), as a range when the EHR sent a partial birth date. */
const age = (input: RuleInput) =>
  input.after.profile?.birthDate ? ageRangeOn(input.after.profile.birthDate, input.trigger.occurredAt) : null;
const clip = (text: string) => (text.length < 140 ? text : `${text.slice(0, 136)}...`);

/** The medication the trigger started or changed, if any. */
function changedMedication(input: RuleInput): Medication | null {
  const { event } = input.trigger;
  if (event.type !== 'MedicationStarted' && event.type !== 'MedicationDoseChanged') return null;
  const medication = input.after.medications[event.data.medicationId];
  return medication?.status === 'active' ? medication : null;
}

function finding(
  f: Omit<Finding, 'summary' | 'minimumNecessarySummary'> & { summary: string; minimumNecessarySummary?: string },
): Finding {
  return { ...f, summary: clip(f.summary), minimumNecessarySummary: clip(f.minimumNecessarySummary ?? f.summary) };
}

/** An antidepressant change to judge: the medication, the event that changed it, and whether it started it. */
interface AntidepressantChange {
  medication: Medication;
  eventId: string;
  started: boolean;
}

/**
 * The changes rule 1 judges on this trigger: the medication the trigger changed, or, when the trigger is a
 * group join, each antidepressant changed within the watch window of it. The prescriber's order and
 * enrollment's MemberEnrolled reach liaison by different paths, in either order.
 */
function antidepressantChanges(input: RuleInput, config: RuleConfig): AntidepressantChange[] {
  const { event } = input.trigger;
  const changed = changedMedication(input);
  if (changed)
    return hasAny(changed, ANTIDEPRESSANT_CLASSES)
      ? [{ medication: changed, eventId: input.trigger.eventId, started: event.type === 'MedicationStarted' }]
      : [];
  if (
    event.type !== 'ExternalFactRecorded' ||
    event.data.fact.kind !== 'group-joined' ||
    input.before.groups[event.data.fact.groupId]?.active
  )
    return [];
  const joinedAt = Date.parse(event.data.fact.at);
  const watchMs = config.antidepressantWatchDays * MS_PER_DAY;
  return active(input.after).flatMap((medication) => {
    const changes = input.index.medications[medication.medicationId] ?? [];
    const eventId = changes.at(-1);
    const recent = Math.abs(joinedAt - Date.parse(medication.changedAt)) <= watchMs;
    return eventId && recent && hasAny(medication, ANTIDEPRESSANT_CLASSES)
      ? [{ medication, eventId, started: changes.length === 1 }]
      : [];
  });
}

/**
 * 1. Antidepressant started or dose changed while in a group. The dedup key names the change, so a change
 * alerts once whether it is judged when it happens or when the member joins a group.
 */
export const antidepressantChange: Rule = (input, config) => {
  if (!inGroup(input.after)) return [];
  const years = age(input);
  // Critical whenever the member may be under the age (a partial birth date counts its youngest age).
  const young = years !== null && years.youngest < config.antidepressantCriticalUnderAge;
  return antidepressantChanges(input, config).map(({ medication, eventId, started }) =>
    finding({
      rule: 'antidepressant-change',
      severity: young ? 'critical' : 'warning',
      recipients: ['facilitator', 'attending-psychiatrist'],
      evidence: {
        eventIds: eventId === input.trigger.eventId ? [eventId] : [eventId, input.trigger.eventId],
        facts: [
          `${drugName(medication)} ${started ? 'started' : 'dose changed'}`,
          ...(young ? [`age under ${config.antidepressantCriticalUnderAge}`] : []),
        ],
      },
      dedupKey: `antidepressant-change:${medication.medicationId}:${eventId}`,
      summary: `${drugName(medication)} ${started ? 'started' : 'dose changed'}: watch for worsening mood, suicidality, unusual behaviour${young ? ' (under 25)' : ''}`,
      minimumNecessarySummary:
        'Medication change: watch for activation, worsening mood or unusual behaviour in the first weeks',
      detail: `An antidepressant was ${started ? 'started' : 'changed'} while the member attends a group.${young ? ' The member is under 25 (FDA boxed warning, extended to ages 18-24 in 2007).' : ''} Watch the first weeks closely.`,
      mentionsMedication: true,
    }),
  );
};

/** The PHQ-9 item 9 answer a fact carries: inside a whole measure (QuestionnaireResponse) or on its own (Observation). */
function item9Answer(fact: ExternalFact): { item9: number; at: string } | null {
  if (fact.kind === 'item9-answered') return { item9: fact.item9, at: fact.at };
  if (fact.kind === 'measure-recorded' && fact.instrument === 'PHQ-9' && fact.item9 !== null)
    return { item9: fact.item9, at: fact.at };
  return null;
}

/**
 * 2. PHQ-9 item 9 > 0. One meaning whichever way the answer came: the key is the day it was given (UTC),
 * so the same answer sent as an Observation and inside a QuestionnaireResponse, or re-sent, alerts once;
 * the psychiatrist's task is a same-day review, and one review covers every positive answer of that day.
 */
export const suicidalIdeation: Rule = (input) => {
  const { event } = input.trigger;
  if (event.type !== 'ExternalFactRecorded') return [];
  const answer = item9Answer(event.data.fact);
  if (!answer || answer.item9 <= 0) return [];
  return [
    finding({
      rule: 'suicidal-ideation',
      severity: 'critical',
      recipients: ['attending-psychiatrist'],
      evidence: { eventIds: [input.trigger.eventId], facts: ['PHQ-9 item 9 above 0'] },
      dedupKey: `suicidal-ideation:${answer.at.slice(0, 10)}`,
      summary: 'PHQ-9 item 9 positive: same-day psychiatric review; hold group placement',
      detail:
        'The member answered PHQ-9 item 9 above 0. **Same-day task** for the attending psychiatrist; group placement is on hold until reviewed.',
      mentionsMedication: false,
    }),
  ];
};

/** Pairs (a, b) of active medications where the trigger touched one of them. */
function pairsWithTrigger(
  input: RuleInput,
  isA: (m: Medication) => boolean,
  isB: (m: Medication) => boolean,
): [Medication, Medication][] {
  const changed = changedMedication(input);
  if (!changed || input.trigger.event.type !== 'MedicationStarted') return [];
  const others = active(input.after).filter((m) => m.medicationId !== changed.medicationId);
  return [
    ...(isA(changed) ? others.filter(isB).map((o) => [changed, o] as [Medication, Medication]) : []),
    ...(isB(changed) ? others.filter(isA).map((o) => [o, changed] as [Medication, Medication]) : []),
  ];
}

function pairFinding(
  input: RuleInput,
  rule: Finding['rule'],
  severity: Severity,
  [a, b]: [Medication, Medication],
  summary: string,
  detail: string,
): Finding {
  const evidence = [
    ...(input.index.medications[a.medicationId] ?? []),
    ...(input.index.medications[b.medicationId] ?? []),
  ];
  return finding({
    rule,
    severity,
    recipients: ['prescriber', 'attending-psychiatrist'],
    prescriberIds: [...new Set([a.prescriberId, b.prescriberId])],
    evidence: { eventIds: [...new Set(evidence)], facts: [`${drugName(a)} active`, `${drugName(b)} active`] },
    dedupKey: `${rule}:${[a.medicationId, b.medicationId].sort().join('+')}`,
    summary,
    minimumNecessarySummary: 'Medication combination under review by the prescriber: watch for drowsiness or confusion',
    detail,
    mentionsMedication: true,
  });
}

const isOpioid = (m: Medication) => hasAny(m, ['opioid']);
const isCnsDepressant = (m: Medication) => hasAny(m, CNS_DEPRESSANT_CLASSES);
const isGabapentinoid = (m: Medication) => hasAny(m, ['gabapentinoid']);

/** 3. Opioid with a benzodiazepine or other CNS depressant (FDA 2016-08-31). */
export const opioidCnsDepressant: Rule = (input) =>
  pairsWithTrigger(input, isOpioid, isCnsDepressant).map((pair) =>
    pairFinding(
      input,
      'opioid-cns-depressant',
      'warning',
      pair,
      `Opioid with ${drugName(pair[1])}: risk of respiratory depression (FDA 2016)`,
      'Opioid combined with a benzodiazepine or other CNS depressant: serious breathing problems, sedation and death (FDA safety communication, 2016-08-31).',
    ),
  );

/** 4. Gabapentinoid with an opioid or CNS depressant (FDA 2019-12-19); higher if elderly. */
export const gabapentinoidCombination: Rule = (input, config) => {
  const years = age(input);
  // Critical whenever the member may have reached the age (a partial birth date counts its oldest age).
  const severity: Severity = years !== null && years.oldest >= config.elderlyAge ? 'critical' : 'warning';
  return pairsWithTrigger(input, isGabapentinoid, (m) => isOpioid(m) || isCnsDepressant(m)).map((pair) =>
    pairFinding(
      input,
      'gabapentinoid-combination',
      severity,
      pair,
      `${drugName(pair[0])} with ${drugName(pair[1])}: respiratory depression risk (FDA 2019)`,
      'Gabapentin or pregabalin with an opioid or CNS depressant: serious breathing difficulties (FDA safety communication, 2019-12-19); higher risk in the elderly.',
    ),
  );
};

/** 5. Serotonergic opioid with an SSRI, SNRI, TCA, MAOI or triptan (FDA 2016-03-22). */
export const serotoninSyndrome: Rule = (input) =>
  pairsWithTrigger(
    input,
    (m) => m.classification.status === 'classified' && m.classification.serotonergicOpioid,
    (m) => hasAny(m, SEROTONERGIC_CLASSES),
  ).map((pair) => ({
    ...pairFinding(
      input,
      'serotonin-syndrome',
      'warning',
      pair,
      `${drugName(pair[0])} with ${drugName(pair[1])}: serotonin syndrome risk (FDA 2016)`,
      'Serotonin syndrome risk (FDA safety communication, 2016-03-22). **Facilitator checklist**: agitation, hallucinations, fast heartbeat, fever, sweating, shivering, muscle twitching or stiffness, nausea, vomiting, diarrhoea.',
    ),
    recipients: ['prescriber', 'facilitator'],
    minimumNecessarySummary:
      'Medication combination: watch for agitation, sweating, shivering, fever or muscle twitching',
  }));

/** Total MME/day over active opioids whose dose and factor are known. */
export function totalMme(state: CoordinationState): number {
  return active(state).reduce((sum, m) => {
    const factor = m.classification.status === 'classified' ? m.classification.mmeFactor : null;
    return factor !== null && m.dailyDose !== null ? sum + m.dailyDose * factor : sum;
  }, 0);
}

/**
 * 6. Opioid dose >= 50 MME/day info, >= 90 warning; informational only in palliative cohorts.
 * An opioid whose daily dose is unknown (no dose, a tablet count, no timing) is not silence: the
 * prescriber gets an info alert that its MME could not be assessed.
 */
export const opioidDose: Rule = (input, config) => {
  if (!changedMedication(input) || !isOpioid(changedMedication(input)!)) return [];
  const opioid = changedMedication(input)!;
  if (opioid.dailyDose === null) return [doseUnknown(input, opioid)];
  const band = (mme: number) => (mme >= config.mmeWarning ? 2 : mme >= config.mmeInfo ? 1 : 0);
  const now = totalMme(input.after);
  if (band(now) === 0 || band(now) <= band(totalMme(input.before))) return [];
  const palliative = inPalliativeCohort(input.after);
  const severity: Severity = band(now) === 2 && !palliative ? 'warning' : 'info';
  const limit = band(now) === 2 ? config.mmeWarning : config.mmeInfo;
  return [
    finding({
      rule: 'opioid-dose',
      severity,
      recipients: ['prescriber'],
      prescriberIds: [changedMedication(input)!.prescriberId],
      evidence: { eventIds: [input.trigger.eventId], facts: [`total ${Math.round(now)} MME/day`] },
      dedupKey: `opioid-dose:${limit}:${input.trigger.eventId}`,
      summary: `Opioid dose reached ${Math.round(now)} MME/day (>= ${limit})${palliative ? ', palliative: informational' : ''}`,
      detail: `Total opioid dose is ${Math.round(now)} MME/day (CDC 2016 bands ${config.mmeInfo}/${config.mmeWarning}; the 2022 guideline drops hard caps).`,
      mentionsMedication: true,
    }),
  ];
};

function doseUnknown(input: RuleInput, opioid: Medication): Finding {
  return finding({
    rule: 'opioid-dose',
    severity: 'info',
    recipients: ['prescriber'],
    prescriberIds: [opioid.prescriberId],
    evidence: {
      eventIds: [input.trigger.eventId],
      facts: [`${drugName(opioid)}: daily dose unknown (${opioid.doseUnit}, ${opioid.frequency})`],
    },
    dedupKey: `opioid-dose:unknown:${input.trigger.eventId}`,
    summary: `${drugName(opioid)}: daily dose unknown, MME/day not assessed; give dose in mg and timing`,
    detail:
      'The order gives no dose in mass units with a frequency, so its MME/day (and the total over opioids) was not computed (CDC 2016 bands).',
    mentionsMedication: true,
  });
}

/** Most structured contacts in any rolling window that contains `at`. */
export function peakLoad(contacts: readonly { start: string }[], at: string, windowDays: number): number {
  const t = Date.parse(at);
  const window = windowDays * MS_PER_DAY;
  const starts = contacts.map((c) => Date.parse(c.start));
  return Math.max(
    0,
    ...starts
      .filter((s) => s <= t && s > t - window)
      .map((from) => starts.filter((s) => s >= from && s < from + window).length),
  );
}

/**
 * 7. Therapeutic overload, from scheduling's load (TherapeuticLoadChanged: every structured contact,
 * group sessions included, in its busiest rolling window). One alert per overload episode: a window over
 * the cap alerts unless it overlaps a window already over the cap and not yet resolved
 * (TherapeuticOverloadResolved, or the same window reported back under the cap, ends it).
 */
export const therapeuticOverload: Rule = (input) => {
  const { event } = input.trigger;
  if (event.type !== 'ExternalFactRecorded' || event.data.fact.kind !== 'load-changed' || !event.data.fact.overCap)
    return [];
  const load = event.data.fact;
  if (input.before.overloadWindows.some((open) => windowsOverlap(open, load))) return [];
  return [overloadFinding(load.contacts, load.cap, load.windowStart, input.trigger.eventId)];
};

function overloadFinding(contacts: number, cap: number, windowStart: string, eventId: string): Finding {
  return finding({
    rule: 'therapeutic-overload',
    severity: 'warning',
    recipients: ['facilitator', 'attending-psychiatrist', 'cbt-therapist', 'palliative-team'],
    evidence: {
      eventIds: [eventId],
      facts: [`${contacts} structured contacts in the 7 days from ${windowStart.slice(0, 10)} (cap ${cap})`],
    },
    // The episode's first over-cap report: a later episode (after a resolution) is a new cause.
    dedupKey: `therapeutic-overload:${eventId}`,
    summary: `Therapeutic overload: ${contacts} contacts within 7 days (cap ${cap})`,
    detail:
      'Group sessions, CBT, psychiatry and palliative visits together exceed the policy cap; consider spacing them.',
    mentionsMedication: false,
  });
}

/**
 * appointment-book forecast (no alert): would these proposed appointments take a week over the cap? The
 * load is scheduling's last report for a window holding the appointment, or the contacts liaison knows,
 * whichever is higher, plus the proposed appointments in that window.
 */
export function forecastOverload(
  state: CoordinationState,
  proposedStarts: readonly string[],
  config: RuleConfig,
): Finding[] {
  const peak = proposedStarts.reduce((most, start) => {
    const t = Date.parse(start);
    const reported = state.loadWindows
      .filter((w) => Date.parse(w.windowStart) <= t && t < Date.parse(w.windowEnd))
      .map(
        (w) =>
          w.contacts +
          proposedStarts.filter(
            (p) => Date.parse(w.windowStart) <= Date.parse(p) && Date.parse(p) < Date.parse(w.windowEnd),
          ).length,
      );
    const known = peakLoad(
      [...state.contacts, ...proposedStarts.map((p) => ({ start: p }))],
      start,
      config.overloadWindowDays,
    );
    return Math.max(most, known, ...reported);
  }, 0);
  if (peak <= config.overloadCap) return [];
  const first = [...proposedStarts].sort()[0]!;
  return [
    { ...overloadFinding(peak, config.overloadCap, first, 'proposed'), dedupKey: 'therapeutic-overload:proposed' },
  ];
}

/** 8. A group session overlapping, or within the window of, another therapeutic appointment. */
export const schedulingConflict: Rule = (input, config) => {
  const { event } = input.trigger;
  if (event.type !== 'ExternalFactRecorded' || event.data.fact.kind !== 'contact-booked') return [];
  const booked = event.data.fact;
  const gap = config.conflictWindowMinutes * 60_000;
  const clash = input.after.contacts.filter(
    (c) =>
      c.contactId !== booked.contactId &&
      (c.kind === 'group-session') !== (booked.contactKind === 'group-session') &&
      Date.parse(c.start) < Date.parse(booked.end) + gap &&
      Date.parse(booked.start) < Date.parse(c.end) + gap,
  );
  return clash.map((c) =>
    finding({
      rule: 'scheduling-conflict',
      severity: 'info',
      recipients: ['facilitator'],
      evidence: {
        eventIds: [input.index.contacts[c.contactId], input.trigger.eventId].filter((id): id is string => !!id),
        facts: ['group session close to another appointment'],
      },
      dedupKey: `scheduling-conflict:${[c.contactId, booked.contactId].sort().join('+')}`,
      summary: `A group session is within ${config.conflictWindowMinutes} min of another therapeutic appointment`,
      detail: 'A group session overlaps or sits close to another therapeutic appointment of the member.',
      mentionsMedication: false,
    }),
  );
};

/** 9. An outcome worsens by its meaningful change. */
export const outcomeWorsening: Rule = (input, config) => {
  const { event } = input.trigger;
  if (event.type !== 'ExternalFactRecorded' || event.data.fact.kind !== 'measure-recorded') return [];
  const instrument = event.data.fact.instrument;
  if (instrument !== 'PHQ-9' && instrument !== 'GAD-7' && instrument !== 'PCL-5') return [];
  const scores = input.after.scores[instrument];
  if (!scores?.previous) return [];
  const rise = scores.latest.score - scores.previous.score;
  if (rise < config.meaningfulWorsening[instrument]) return [];
  return [
    finding({
      rule: 'outcome-worsening',
      severity: 'warning',
      recipients: ['facilitator', 'attending-psychiatrist'],
      evidence: {
        eventIds: (input.index.measures[instrument] ?? []).slice(-2),
        facts: [`${instrument} rose by ${rise} points`],
      },
      dedupKey: `outcome-worsening:${input.trigger.eventId}`,
      summary: `${instrument} worsened by ${rise} points (meaningful change ${config.meaningfulWorsening[instrument]})`,
      detail: `${instrument} went from ${scores.previous.score} to ${scores.latest.score}.`,
      mentionsMedication: false,
    }),
  ];
};

/** 10. Caregiver burden ZBI-22 >= 41. */
export const caregiverBurden: Rule = (input, config) => {
  const { event } = input.trigger;
  if (
    event.type !== 'ExternalFactRecorded' ||
    event.data.fact.kind !== 'measure-recorded' ||
    event.data.fact.instrument !== 'ZBI-22'
  )
    return [];
  const previous = input.after.scores['ZBI-22']?.previous;
  if (event.data.fact.score < config.zbiThreshold || (previous && previous.score >= config.zbiThreshold)) return [];
  return [
    finding({
      rule: 'caregiver-burden',
      severity: 'info',
      recipients: ['facilitator'],
      evidence: {
        eventIds: [input.trigger.eventId],
        facts: [`ZBI-22 ${event.data.fact.score} (>= ${config.zbiThreshold})`],
      },
      dedupKey: `caregiver-burden:${input.trigger.eventId}`,
      summary: `Caregiver burden ZBI-22 ${event.data.fact.score}: suggest caregiver support or respite`,
      detail: 'Moderate-to-severe caregiver burden: suggest a caregiver support group or respite care.',
      mentionsMedication: false,
    }),
  ];
};

/** 11. Attendance below dose: cannot reach it, or on track to miss it at the course midpoint. */
export const attendanceBelowDose: Rule = (input, config) => {
  const { event } = input.trigger;
  if (event.type !== 'ExternalFactRecorded' || event.data.fact.kind !== 'attendance-recorded') return [];
  const { groupId, sessionNumber, plannedSessions, sessionsAttended } = event.data.fact;
  if (sessionNumber * 2 < plannedSessions) return [];
  const reachable = sessionsAttended + (plannedSessions - sessionNumber);
  const projected = (sessionsAttended / sessionNumber) * plannedSessions;
  if (reachable >= config.doseSessions && projected >= config.doseSessions) return [];
  return [
    finding({
      rule: 'attendance-below-dose',
      severity: 'info',
      recipients: ['facilitator'],
      evidence: {
        eventIds: [input.trigger.eventId],
        facts: [`${sessionsAttended} of ${sessionNumber} sessions attended, ${plannedSessions} planned`],
      },
      dedupKey: `attendance-below-dose:${groupId}`,
      summary: `Attendance below dose: ${sessionsAttended} of ${sessionNumber} sessions, on track to miss ${config.doseSessions}`,
      detail: `Attending at least ${config.doseSessions} sessions is what improves outcomes; reach out to the member.`,
      mentionsMedication: false,
    }),
  ];
};

const DISTRESS_SOURCES = {
  facilitator: {
    summary: 'Facilitator reported acute distress in a group session: review today',
    fact: 'acute distress reported in a session',
  },
  'ehr-flag': { summary: 'Acute distress flagged in the EHR: review today', fact: 'acute distress flag from the EHR' },
  'ehr-observation': {
    summary: 'Acute distress recorded in the EHR: review today',
    fact: 'acute distress observation from the EHR',
  },
} as const;

/**
 * 12. Acute distress: a facilitator's report from a session, or the EHR's Flag or Observation. Once per
 * report (the reporter's id, or the EHR resource): a resent report or Flag alerts no one again.
 */
export const acuteDistress: Rule = (input) => {
  const { event } = input.trigger;
  if (event.type !== 'ExternalFactRecorded' || event.data.fact.kind !== 'distress-reported') return [];
  const fact = event.data.fact;
  const source = DISTRESS_SOURCES[fact.source ?? 'facilitator'];
  return [
    finding({
      rule: 'acute-distress',
      severity: 'critical',
      recipients: ['attending-psychiatrist'],
      evidence: { eventIds: [input.trigger.eventId], facts: [source.fact] },
      dedupKey: `acute-distress:${fact.reportId ?? input.trigger.eventId}`,
      summary: source.summary,
      detail: `${fact.source === undefined || fact.source === 'facilitator' ? 'The facilitator reported acute distress during a session.' : 'The EHR recorded acute distress for the member.'} Same-day review by the attending psychiatrist.`,
      mentionsMedication: false,
    }),
  ];
};

/** 13. Palliative-care transition: plan started or goals of care changed. */
export const palliativeTransition: Rule = (input) => {
  const { event } = input.trigger;
  if (event.type !== 'PalliativePlanStarted' && event.type !== 'GoalsOfCareChanged') return [];
  return [
    finding({
      rule: 'palliative-transition',
      severity: 'info',
      recipients: ['facilitator'],
      evidence: {
        eventIds: [input.trigger.eventId],
        facts: [event.type === 'PalliativePlanStarted' ? 'palliative plan started' : 'goals of care changed'],
      },
      dedupKey: `palliative-transition:${input.trigger.eventId}`,
      summary: 'Palliative-care transition: adapt group topics; an end-of-life group may suit the family',
      detail: 'A palliative plan started or its goals of care changed.',
      mentionsMedication: false,
    }),
  ];
};

const EMERGENCY_REASONS = {
  'emergency-treatment': 'emergency treatment',
  'covering-clinician': 'covering clinician',
  'safety-concern': 'safety concern',
} as const;

/**
 * 15. Break-the-glass: the care team is told who opened the member's record, why (the code, never the
 * clinician's note) and until when. Info: nothing to act on, so it never escalates.
 */
export const emergencyAccessOpened: Rule = (input) => {
  const { event } = input.trigger;
  if (event.type !== 'EmergencyAccessOpened') return [];
  const team = careTeamAt(input.after, input.trigger.occurredAt).filter(
    (member) => member.clinicianId !== event.data.clinicianId,
  );
  if (team.length === 0) return [];
  const summary = `Emergency access opened by ${event.data.clinicianId} (${EMERGENCY_REASONS[event.data.reasonCode]}) until ${event.data.expiresAt}`;
  return [
    finding({
      rule: 'emergency-access-opened',
      severity: 'info',
      recipients: [...new Set(team.map((member) => member.role))],
      evidence: {
        eventIds: [input.trigger.eventId],
        facts: [`emergency access opened for ${EMERGENCY_REASONS[event.data.reasonCode]}`],
      },
      dedupKey: `emergency-access-opened:${input.trigger.eventId}`,
      summary,
      detail: `${summary}. A clinician outside the care team opened the member's record; the access ends by itself.`,
      mentionsMedication: false,
      toEveryHolder: true,
    }),
  ];
};

export const coordinationRules: readonly Rule[] = [
  antidepressantChange,
  suicidalIdeation,
  opioidCnsDepressant,
  gabapentinoidCombination,
  serotoninSyndrome,
  opioidDose,
  therapeuticOverload,
  schedulingConflict,
  outcomeWorsening,
  caregiverBurden,
  attendanceBelowDose,
  acuteDistress,
  palliativeTransition,
  emergencyAccessOpened,
];

/** Runs every rule on one triggering event; same input, same findings (pure). */
export function evaluateRules(input: RuleInput, config: RuleConfig): Finding[] {
  return coordinationRules.flatMap((rule) => rule(input, config));
}

/**
 * 14. Sharing with another clinician needs an active consent; substance-use records (42 CFR Part 2)
 * need specific consent. Facilitators see medication details only when the member allowed it.
 */
export function mayShareMedicationDetails(
  state: CoordinationState,
  recipient: 'facilitator' | 'clinician',
  substanceUse = false,
): boolean {
  if (substanceUse && !state.profile?.part2Consent) return false;
  return recipient === 'clinician' || state.profile?.shareMedicationDetailsWithFacilitator === true;
}
