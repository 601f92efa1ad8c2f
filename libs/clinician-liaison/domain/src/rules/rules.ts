import type { CoordinationState, Medication } from '../coordination/coordination';
import { ageOn } from '../coordination/coordination.decider';
import { ANTIDEPRESSANT_CLASSES, CNS_DEPRESSANT_CLASSES, SEROTONERGIC_CLASSES, type DrugClass } from '../terminology/medication-terminology';
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
const age = (input: RuleInput) => (input.after.profile ? ageOn(input.after.profile.birthDate, input.trigger.occurredAt) : null);
const clip = (text: string) => (text.length < 140 ? text : `${text.slice(0, 136)}...`);

/** The medication the trigger started or changed, if any. */
function changedMedication(input: RuleInput): Medication | null {
  const { event } = input.trigger;
  if (event.type !== 'MedicationStarted' && event.type !== 'MedicationDoseChanged') return null;
  const medication = input.after.medications[event.data.medicationId];
  return medication?.status === 'active' ? medication : null;
}

function finding(f: Omit<Finding, 'summary' | 'minimumNecessarySummary'> & { summary: string; minimumNecessarySummary?: string }): Finding {
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
  if (changed) return hasAny(changed, ANTIDEPRESSANT_CLASSES) ? [{ medication: changed, eventId: input.trigger.eventId, started: event.type === 'MedicationStarted' }] : [];
  if (event.type !== 'ExternalFactRecorded' || event.data.fact.kind !== 'group-joined' || input.before.groups[event.data.fact.groupId]?.active) return [];
  const joinedAt = Date.parse(event.data.fact.at);
  const watchMs = config.antidepressantWatchDays * MS_PER_DAY;
  return active(input.after).flatMap((medication) => {
    const changes = input.index.medications[medication.medicationId] ?? [];
    const eventId = changes.at(-1);
    const recent = Math.abs(joinedAt - Date.parse(medication.changedAt)) <= watchMs;
    return eventId && recent && hasAny(medication, ANTIDEPRESSANT_CLASSES) ? [{ medication, eventId, started: changes.length === 1 }] : [];
  });
}

/**
 * 1. Antidepressant started or dose changed while in a group. The dedup key names the change, so a change
 * alerts once whether it is judged when it happens or when the member joins a group.
 */
export const antidepressantChange: Rule = (input, config) => {
  if (!inGroup(input.after)) return [];
  const years = age(input);
  const young = years !== null && years < config.antidepressantCriticalUnderAge;
  return antidepressantChanges(input, config).map(({ medication, eventId, started }) =>
    finding({
      rule: 'antidepressant-change',
      severity: young ? 'critical' : 'warning',
      recipients: ['facilitator', 'attending-psychiatrist'],
      evidence: {
        eventIds: eventId === input.trigger.eventId ? [eventId] : [eventId, input.trigger.eventId],
        facts: [`${drugName(medication)} ${started ? 'started' : 'dose changed'}`, ...(young ? [`age under ${config.antidepressantCriticalUnderAge}`] : [])],
      },
      dedupKey: `antidepressant-change:${medication.medicationId}:${eventId}`,
      summary: `${drugName(medication)} ${started ? 'started' : 'dose changed'}: watch for worsening mood, suicidality, unusual behaviour${young ? ' (under 25)' : ''}`,
      minimumNecessarySummary: 'Medication change: watch for activation, worsening mood or unusual behaviour in the first weeks',
      detail: `An antidepressant was ${started ? 'started' : 'changed'} while the member attends a group.${young ? ' The member is under 25 (FDA boxed warning, extended to ages 18-24 in 2007).' : ''} Watch the first weeks closely.`,
      mentionsMedication: true,
    }),
  );
};

/** 2. PHQ-9 item 9 > 0. */
export const suicidalIdeation: Rule = (input) => {
  const { event } = input.trigger;
  if (event.type !== 'ExternalFactRecorded' || event.data.fact.kind !== 'measure-recorded') return [];
  const { fact } = event.data;
  if (fact.instrument !== 'PHQ-9' || !fact.item9 || fact.item9 <= 0) return [];
  return [
    finding({
      rule: 'suicidal-ideation',
      severity: 'critical',
      recipients: ['attending-psychiatrist'],
      evidence: { eventIds: [input.trigger.eventId], facts: ['PHQ-9 item 9 above 0'] },
      dedupKey: `suicidal-ideation:${input.trigger.eventId}`,
      summary: 'PHQ-9 item 9 positive: same-day psychiatric review; hold group placement',
      detail: 'The member answered PHQ-9 item 9 above 0. **Same-day task** for the attending psychiatrist; group placement is on hold until reviewed.',
      mentionsMedication: false,
    }),
  ];
};

/** Pairs (a, b) of active medications where the trigger touched one of them. */
function pairsWithTrigger(input: RuleInput, isA: (m: Medication) => boolean, isB: (m: Medication) => boolean): [Medication, Medication][] {
  const changed = changedMedication(input);
  if (!changed || input.trigger.event.type !== 'MedicationStarted') return [];
  const others = active(input.after).filter((m) => m.medicationId !== changed.medicationId);
  return [
    ...(isA(changed) ? others.filter(isB).map((o) => [changed, o] as [Medication, Medication]) : []),
    ...(isB(changed) ? others.filter(isA).map((o) => [o, changed] as [Medication, Medication]) : []),
  ];
}

function pairFinding(input: RuleInput, rule: Finding['rule'], severity: Severity, [a, b]: [Medication, Medication], summary: string, detail: string): Finding {
  const evidence = [...(input.index.medications[a.medicationId] ?? []), ...(input.index.medications[b.medicationId] ?? [])];
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
    pairFinding(input, 'opioid-cns-depressant', 'warning', pair, `Opioid with ${drugName(pair[1])}: risk of respiratory depression (FDA 2016)`, 'Opioid combined with a benzodiazepine or other CNS depressant: serious breathing problems, sedation and death (FDA safety communication, 2016-08-31).'),
  );

/** 4. Gabapentinoid with an opioid or CNS depressant (FDA 2019-12-19); higher if elderly. */
export const gabapentinoidCombination: Rule = (input, config) => {
  const years = age(input);
  const severity: Severity = years !== null && years >= config.elderlyAge ? 'critical' : 'warning';
  return pairsWithTrigger(input, isGabapentinoid, (m) => isOpioid(m) || isCnsDepressant(m)).map((pair) =>
    pairFinding(input, 'gabapentinoid-combination', severity, pair, `${drugName(pair[0])} with ${drugName(pair[1])}: respiratory depression risk (FDA 2019)`, 'Gabapentin or pregabalin with an opioid or CNS depressant: serious breathing difficulties (FDA safety communication, 2019-12-19); higher risk in the elderly.'),
  );
};

/** 5. Serotonergic opioid with an SSRI, SNRI, TCA, MAOI or triptan (FDA 2016-03-22). */
export const serotoninSyndrome: Rule = (input) =>
  pairsWithTrigger(
    input,
    (m) => m.classification.status === 'classified' && m.classification.serotonergicOpioid,
    (m) => hasAny(m, SEROTONERGIC_CLASSES),
  ).map((pair) => ({
    ...pairFinding(input, 'serotonin-syndrome', 'warning', pair, `${drugName(pair[0])} with ${drugName(pair[1])}: serotonin syndrome risk (FDA 2016)`, 'Serotonin syndrome risk (FDA safety communication, 2016-03-22). **Facilitator checklist**: agitation, hallucinations, fast heartbeat, fever, sweating, shivering, muscle twitching or stiffness, nausea, vomiting, diarrhoea.'),
    recipients: ['prescriber', 'facilitator'],
    minimumNecessarySummary: 'Medication combination: watch for agitation, sweating, shivering, fever or muscle twitching',
  }));

/** Total MME/day over active opioids whose dose and factor are known. */
export function totalMme(state: CoordinationState): number {
  return active(state).reduce((sum, m) => {
    const factor = m.classification.status === 'classified' ? m.classification.mmeFactor : null;
    return factor !== null && m.dailyDose !== null ? sum + m.dailyDose * factor : sum;
  }, 0);
}

/** 6. Opioid dose >= 50 MME/day info, >= 90 warning; informational only in palliative cohorts. */
export const opioidDose: Rule = (input, config) => {
  if (!changedMedication(input) || !isOpioid(changedMedication(input)!)) return [];
  const band = (mme: number) => (mme >= config.mmeWarning ? 2 : mme >= config.mmeInfo ? 1 : 0);
  const now = totalMme(input.after);
  if (band(now) === 0 || band(now) <= band(totalMme(input.before))) return [];
  const palliative = input.after.profile?.cohort === 'palliative';
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

/** Most structured contacts in any rolling window that contains `at`. */
export function peakLoad(contacts: readonly { start: string }[], at: string, windowDays: number): number {
  const t = Date.parse(at);
  const window = windowDays * MS_PER_DAY;
  const starts = contacts.map((c) => Date.parse(c.start));
  return Math.max(0, ...starts.filter((s) => s <= t && s > t - window).map((from) => starts.filter((s) => s >= from && s < from + window).length));
}

/** 7. Therapeutic overload: more contacts in a rolling window than the cap. */
export const therapeuticOverload: Rule = (input, config) => {
  const { event } = input.trigger;
  if (event.type !== 'ExternalFactRecorded' || event.data.fact.kind !== 'contact-booked') return [];
  const load = peakLoad(input.after.contacts, event.data.fact.start, config.overloadWindowDays);
  if (load <= config.overloadCap) return [];
  return [
    finding({
      rule: 'therapeutic-overload',
      severity: 'warning',
      recipients: ['facilitator', 'attending-psychiatrist', 'cbt-therapist', 'palliative-team'],
      evidence: { eventIds: [input.trigger.eventId], facts: [`${load} structured contacts within ${config.overloadWindowDays} days (cap ${config.overloadCap})`] },
      dedupKey: `therapeutic-overload:${event.data.fact.contactId}`,
      summary: `Therapeutic overload: ${load} contacts within ${config.overloadWindowDays} days (cap ${config.overloadCap})`,
      detail: 'Group sessions, CBT, psychiatry and palliative visits together exceed the policy cap; consider spacing them.',
      mentionsMedication: false,
    }),
  ];
};

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
      evidence: { eventIds: [input.index.contacts[c.contactId], input.trigger.eventId].filter((id): id is string => !!id), facts: ['group session close to another appointment'] },
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
      evidence: { eventIds: (input.index.measures[instrument] ?? []).slice(-2), facts: [`${instrument} rose by ${rise} points`] },
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
  if (event.type !== 'ExternalFactRecorded' || event.data.fact.kind !== 'measure-recorded' || event.data.fact.instrument !== 'ZBI-22') return [];
  const previous = input.after.scores['ZBI-22']?.previous;
  if (event.data.fact.score < config.zbiThreshold || (previous && previous.score >= config.zbiThreshold)) return [];
  return [
    finding({
      rule: 'caregiver-burden',
      severity: 'info',
      recipients: ['facilitator'],
      evidence: { eventIds: [input.trigger.eventId], facts: [`ZBI-22 ${event.data.fact.score} (>= ${config.zbiThreshold})`] },
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
      evidence: { eventIds: [input.trigger.eventId], facts: [`${sessionsAttended} of ${sessionNumber} sessions attended, ${plannedSessions} planned`] },
      dedupKey: `attendance-below-dose:${groupId}`,
      summary: `Attendance below dose: ${sessionsAttended} of ${sessionNumber} sessions, on track to miss ${config.doseSessions}`,
      detail: `Attending at least ${config.doseSessions} sessions is what improves outcomes; reach out to the member.`,
      mentionsMedication: false,
    }),
  ];
};

/** 12. Facilitator reports acute distress in a session. */
export const acuteDistress: Rule = (input) => {
  const { event } = input.trigger;
  if (event.type !== 'ExternalFactRecorded' || event.data.fact.kind !== 'distress-reported') return [];
  return [
    finding({
      rule: 'acute-distress',
      severity: 'critical',
      recipients: ['attending-psychiatrist'],
      evidence: { eventIds: [input.trigger.eventId], facts: ['acute distress reported in a session'] },
      dedupKey: `acute-distress:${input.trigger.eventId}`,
      summary: 'Facilitator reported acute distress in a group session: review today',
      detail: 'The facilitator reported acute distress during a session.',
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
      evidence: { eventIds: [input.trigger.eventId], facts: [event.type === 'PalliativePlanStarted' ? 'palliative plan started' : 'goals of care changed'] },
      dedupKey: `palliative-transition:${input.trigger.eventId}`,
      summary: 'Palliative-care transition: adapt group topics; an end-of-life group may suit the family',
      detail: 'A palliative plan started or its goals of care changed.',
      mentionsMedication: false,
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
];

/** Runs every rule on one triggering event; same input, same findings (pure). */
export function evaluateRules(input: RuleInput, config: RuleConfig): Finding[] {
  return coordinationRules.flatMap((rule) => rule(input, config));
}

/**
 * 14. Sharing with another clinician needs an active consent; substance-use records (42 CFR Part 2)
 * need specific consent. Facilitators see medication details only when the member allowed it.
 */
export function mayShareMedicationDetails(state: CoordinationState, recipient: 'facilitator' | 'clinician', substanceUse = false): boolean {
  if (substanceUse && !state.profile?.part2Consent) return false;
  return recipient === 'clinician' || state.profile?.shareMedicationDetailsWithFacilitator === true;
}
