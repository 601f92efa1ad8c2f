import { domainError, type Decider } from '@carecircle/shared-kernel';
import type {
  CareTeamMember,
  CoordinationCommand,
  CoordinationEvent,
  CoordinationState,
  ExternalFact,
  LoadWindow,
  MemberProfile,
} from './coordination';

export const initialCoordinationState: CoordinationState = {
  memberId: null,
  profile: null,
  careTeam: [],
  emergencyAccess: [],
  medications: {},
  groups: {},
  contacts: [],
  attendance: {},
  loadWindows: [],
  overloadWindows: [],
  scores: {},
  cbt: null,
  palliative: null,
  palliativeConditions: [],
  seenSourceEvents: [],
};

const unknownMedication = () =>
  domainError('not-found', 'liaison.medication-unknown', 'No medication with this id is recorded for the member.');

export const coordinationDecider: Decider<CoordinationCommand, CoordinationEvent, CoordinationState> = {
  initialState: initialCoordinationState,
  decide(command, state): readonly CoordinationEvent[] | ReturnType<typeof domainError> {
    const now = command.metadata.now.toISOString();
    const { memberId } = command.data;
    switch (command.type) {
      case 'RecordMemberProfile': {
        const { memberId: _m, ...profile } = command.data;
        if (state.profile && sameProfile(state.profile, profile)) return [];
        return [{ type: 'MemberProfileRecorded', data: { ...command.data, recordedAt: now } }];
      }
      case 'RecordBirthDate':
        if (state.profile?.birthDate === command.data.birthDate) return [];
        return [
          { type: 'MemberBirthDateRecorded', data: { memberId, birthDate: command.data.birthDate, recordedAt: now } },
        ];
      case 'AssignCareTeamMember': {
        const { clinicianId, role, endpoint } = command.data;
        const activeUntil = command.data.activeUntil ?? null;
        const current = activeMembership(state, clinicianId, role);
        if (current && current.endpoint === endpoint && current.activeUntil === activeUntil) return [];
        return [
          {
            type: 'CareTeamMemberAssigned',
            data: { memberId, clinicianId, role, endpoint, activeFrom: now, activeUntil },
          },
        ];
      }
      case 'EndCareTeamMember': {
        const { clinicianId, role } = command.data;
        if (!activeMembership(state, clinicianId, role)) {
          return domainError(
            'not-found',
            'liaison.care-team-member-unknown',
            'This clinician holds no active role of this kind in the care team.',
          );
        }
        return [{ type: 'CareTeamMemberEnded', data: { memberId, clinicianId, role, endedAt: now } }];
      }
      case 'OpenEmergencyAccess': {
        const { clinicianId, reasonCode, note, expiresAt } = command.data;
        if (onCareTeamAt(state, clinicianId, now)) {
          return domainError(
            'conflict',
            'liaison.already-on-care-team',
            'This clinician is on the member’s care team: emergency access is for clinicians who are not.',
          );
        }
        if (Date.parse(expiresAt) <= Date.parse(now))
          return domainError(
            'rule-violation',
            'liaison.emergency-access-expired',
            'Emergency access must end after it opens.',
          );
        // A second opening while one is open is a new window from now, never a longer one.
        return [
          {
            type: 'EmergencyAccessOpened',
            data: { memberId, clinicianId, reasonCode, note, openedAt: now, expiresAt },
          },
        ];
      }
      case 'StartMedication': {
        const { medicationId, order, classification } = command.data;
        const existing = state.medications[medicationId];
        if (existing) {
          const same = JSON.stringify(orderOf(existing)) === JSON.stringify(orderOf(order));
          return same
            ? []
            : domainError(
                'conflict',
                'liaison.medication-conflict',
                'A different medication was already recorded under this medication id.',
              );
        }
        return [{ type: 'MedicationStarted', data: { memberId, medicationId, order, classification, startedAt: now } }];
      }
      case 'ChangeMedicationDose': {
        const { medicationId, dailyDose, doseUnit, frequency, prescriberId } = command.data;
        const medication = state.medications[medicationId];
        if (!medication) return unknownMedication();
        if (medication.status === 'stopped')
          return domainError(
            'rule-violation',
            'liaison.medication-stopped',
            'A stopped medication cannot change dose.',
          );
        if (
          medication.dailyDose === dailyDose &&
          medication.doseUnit === doseUnit &&
          medication.frequency === frequency
        )
          return [];
        return [
          {
            type: 'MedicationDoseChanged',
            data: {
              memberId,
              medicationId,
              dailyDose,
              doseUnit,
              frequency,
              prescriberId,
              changedAt: now,
              // Carried so that readers of the change alone (the bus, the timeline) can name what changed.
              classification: medication.classification,
            },
          },
        ];
      }
      case 'StopMedication': {
        const medication = state.medications[command.data.medicationId];
        if (!medication) return unknownMedication();
        if (medication.status === 'stopped') return [];
        return [
          {
            type: 'MedicationStopped',
            data: {
              memberId,
              medicationId: command.data.medicationId,
              stoppedAt: now,
              classification: medication.classification,
            },
          },
        ];
      }
      case 'StartCbtCourse':
        if (state.cbt?.courseId === command.data.courseId) return [];
        return [{ type: 'CbtCourseStarted', data: { ...command.data, startedAt: now } }];
      case 'StartPalliativePlan':
        if (state.palliative?.planId === command.data.planId) return [];
        return [{ type: 'PalliativePlanStarted', data: { ...command.data, startedAt: now } }];
      case 'ChangeGoalsOfCare':
        if (state.palliative?.planId !== command.data.planId) {
          return domainError(
            'not-found',
            'liaison.palliative-plan-unknown',
            'No palliative plan with this id is recorded for the member.',
          );
        }
        if (state.palliative.goalsOfCare === command.data.goalsOfCare) return [];
        return [{ type: 'GoalsOfCareChanged', data: { ...command.data, changedAt: now } }];
      case 'RecordExternalFact':
        if (state.seenSourceEvents.includes(command.data.sourceEventId)) return [];
        return [{ type: 'ExternalFactRecorded', data: command.data }];
      case 'ReportDistress': {
        const { reportId, groupId, sessionId, observedAt, reportedBy, note } = command.data;
        const sourceEventId = distressReportSource(reportId);
        // The same report id again is the same report (a retry): accepted, nothing new.
        if (state.seenSourceEvents.includes(sourceEventId)) return [];
        if (state.memberId === null)
          return domainError(
            'not-found',
            'liaison.member-unknown',
            'No member with this id is known to clinician liaison.',
          );
        if (!state.groups[groupId])
          return domainError('rule-violation', 'liaison.group-not-the-members', 'The member is not in this group.');
        if (Date.parse(observedAt) > Date.parse(now) + 5 * 60_000)
          return domainError(
            'rule-violation',
            'liaison.distress-in-the-future',
            'observedAt must not be in the future.',
          );
        const fact: ExternalFact = {
          kind: 'distress-reported',
          groupId,
          at: new Date(observedAt).toISOString(),
          reportId: `report:${reportId}`,
          source: 'facilitator',
          sessionId,
          reportedBy,
          note,
        };
        return [{ type: 'ExternalFactRecorded', data: { memberId, sourceEventId, fact } }];
      }
    }
  },
  evolve(state, event) {
    const base = { ...state, memberId: event.data.memberId };
    switch (event.type) {
      case 'MemberProfileRecorded': {
        const { memberId: _m, recordedAt: _r, ...profile } = event.data;
        return { ...base, profile };
      }
      case 'MemberBirthDateRecorded': {
        const profile = state.profile ?? {
          birthDate: '',
          cohort: state.palliative ? 'palliative' : 'general',
          shareMedicationDetailsWithFacilitator: false,
          part2Consent: false,
        };
        return { ...base, profile: { ...profile, birthDate: event.data.birthDate } };
      }
      case 'CareTeamMemberAssigned': {
        const { clinicianId, role, endpoint, activeFrom, activeUntil } = event.data;
        const others = endMembership(state, clinicianId, role, activeFrom);
        return {
          ...base,
          careTeam: [...others, { clinicianId, role, endpoint, activeFrom, activeTo: null, activeUntil }],
        };
      }
      case 'EmergencyAccessOpened': {
        const { clinicianId, reasonCode, openedAt, expiresAt } = event.data;
        return {
          ...base,
          emergencyAccess: [
            ...state.emergencyAccess.filter((grant) => grant.clinicianId !== clinicianId),
            { clinicianId, reasonCode, openedAt, expiresAt },
          ],
        };
      }
      case 'CareTeamMemberEnded':
        return { ...base, careTeam: endMembership(state, event.data.clinicianId, event.data.role, event.data.endedAt) };
      case 'MedicationStarted': {
        const { medicationId, order, classification, startedAt } = event.data;
        return {
          ...base,
          medications: {
            ...state.medications,
            [medicationId]: {
              ...order,
              medicationId,
              classification,
              status: 'active',
              startedAt,
              changedAt: startedAt,
            },
          },
        };
      }
      case 'MedicationDoseChanged': {
        const { medicationId, dailyDose, doseUnit, frequency, prescriberId, changedAt } = event.data;
        const current = state.medications[medicationId]!;
        return {
          ...base,
          medications: {
            ...state.medications,
            [medicationId]: { ...current, dailyDose, doseUnit, frequency, prescriberId, changedAt },
          },
        };
      }
      case 'MedicationStopped': {
        const current = state.medications[event.data.medicationId]!;
        return {
          ...base,
          medications: { ...state.medications, [event.data.medicationId]: { ...current, status: 'stopped' } },
        };
      }
      case 'CbtCourseStarted':
        return {
          ...base,
          cbt: { courseId: event.data.courseId, therapistId: event.data.therapistId, startedAt: event.data.startedAt },
        };
      case 'PalliativePlanStarted':
        return {
          ...base,
          palliative: {
            planId: event.data.planId,
            goalsOfCare: event.data.goalsOfCare,
            startedAt: event.data.startedAt,
          },
        };
      case 'GoalsOfCareChanged':
        return {
          ...base,
          palliative: state.palliative && { ...state.palliative, goalsOfCare: event.data.goalsOfCare },
        };
      case 'ExternalFactRecorded':
        return {
          ...applyFact(base, event.data.fact),
          seenSourceEvents: [...state.seenSourceEvents, event.data.sourceEventId],
        };
    }
  },
};

function applyFact(state: CoordinationState, fact: ExternalFact): CoordinationState {
  switch (fact.kind) {
    case 'group-joined':
      return {
        ...state,
        groups: { ...state.groups, [fact.groupId]: { groupId: fact.groupId, active: true, joinedAt: fact.at } },
      };
    case 'group-left': {
      const group = state.groups[fact.groupId];
      return group ? { ...state, groups: { ...state.groups, [fact.groupId]: { ...group, active: false } } } : state;
    }
    case 'contact-booked':
      return {
        ...state,
        contacts: [
          ...state.contacts.filter((c) => c.contactId !== fact.contactId),
          { contactId: fact.contactId, kind: fact.contactKind, start: fact.start, end: fact.end },
        ],
      };
    case 'attendance-recorded': {
      const { groupId, sessionNumber, plannedSessions, sessionsAttended } = fact;
      return {
        ...state,
        attendance: { ...state.attendance, [groupId]: { sessionNumber, plannedSessions, sessionsAttended } },
      };
    }
    case 'measure-recorded': {
      const previous = state.scores[fact.instrument]?.latest ?? null;
      return {
        ...state,
        scores: {
          ...state.scores,
          [fact.instrument]: { latest: { score: fact.score, item9: fact.item9, at: fact.at }, previous },
        },
      };
    }
    case 'load-changed': {
      const window = { windowStart: fact.windowStart, windowEnd: fact.windowEnd, contacts: fact.contacts };
      const others = (windows: LoadWindow[]) => windows.filter((w) => !sameWindow(w, window));
      return {
        ...state,
        loadWindows: [...others(state.loadWindows), window],
        overloadWindows: fact.overCap ? [...others(state.overloadWindows), window] : others(state.overloadWindows),
      };
    }
    case 'overload-resolved': {
      // The episode ends: every open window overlapping the resolved one closes with it.
      const resolved = { windowStart: fact.windowStart, windowEnd: fact.windowEnd };
      return { ...state, overloadWindows: state.overloadWindows.filter((w) => !windowsOverlap(w, resolved)) };
    }
    case 'palliative-condition': {
      const others = state.palliativeConditions.filter((id) => id !== fact.conditionId);
      return { ...state, palliativeConditions: fact.active ? [...others, fact.conditionId] : others };
    }
    case 'distress-reported':
    case 'item9-answered':
      return state;
  }
}

/** The source id of a facilitator's distress report: the client's report id makes a retry a no-op. */
export const distressReportSource = (reportId: string) => `distress-report:${reportId}`;

type Window = Pick<LoadWindow, 'windowStart' | 'windowEnd'>;
const sameWindow = (a: Window, b: Window) =>
  Date.parse(a.windowStart) === Date.parse(b.windowStart) && Date.parse(a.windowEnd) === Date.parse(b.windowEnd);
/** Half-open windows [start, end) that share an instant. */
export const windowsOverlap = (a: Window, b: Window) =>
  Date.parse(a.windowStart) < Date.parse(b.windowEnd) && Date.parse(b.windowStart) < Date.parse(a.windowEnd);

/** Field by field: a profile read back from the store may list its keys in another order. */
function sameProfile(a: MemberProfile, b: MemberProfile): boolean {
  return (
    a.birthDate === b.birthDate &&
    a.cohort === b.cohort &&
    a.shareMedicationDetailsWithFacilitator === b.shareMedicationDetailsWithFacilitator &&
    a.part2Consent === b.part2Consent
  );
}

/**
 * In the palliative cohort: so recorded in the profile, or a palliative plan started (REST or an EHR CarePlan),
 * or an active EHR Condition coded palliative care.
 */
export function inPalliativeCohort(state: CoordinationState): boolean {
  return (
    state.profile?.cohort === 'palliative' || state.palliative !== null || (state.palliativeConditions ?? []).length > 0
  );
}

/** On the care team at an instant: not ended, and its planned end (if any) still ahead. */
export function isActiveMembership(member: CareTeamMember, at: string): boolean {
  return member.activeTo === null && (member.activeUntil === null || Date.parse(member.activeUntil) > Date.parse(at));
}

/** The care team at an instant: whom the alerts go to and who is told of an emergency access. */
export function careTeamAt(state: CoordinationState, at: string): CareTeamMember[] {
  return state.careTeam.filter((member) => isActiveMembership(member, at));
}

function onCareTeamAt(state: CoordinationState, clinicianId: string, at: string): boolean {
  return careTeamAt(state, at).some((member) => member.clinicianId === clinicianId);
}

function activeMembership(state: CoordinationState, clinicianId: string, role: string) {
  return state.careTeam.find((m) => m.clinicianId === clinicianId && m.role === role && m.activeTo === null);
}

function endMembership(state: CoordinationState, clinicianId: string, role: string, at: string) {
  return state.careTeam.map((m) =>
    m.clinicianId === clinicianId && m.role === role && m.activeTo === null ? { ...m, activeTo: at } : m,
  );
}

/** Age in whole years on a date (ISO strings), for the age-dependent rules. A partial birth date: its oldest possible age. */
export function ageOn(birthDate: string, on: string): number {
  return ageRangeOn(birthDate, on).oldest;
}

/**
 * The youngest and oldest age a member can be on a date (ISO strings). A full birth date gives one age; a
 * partial FHIR date (YYYY or YYYY-MM, as an EHR may send) spans its first to its last possible day, so a
 * rule that is stricter below an age can use the youngest and one stricter from an age the oldest.
 */
export function ageRangeOn(birthDate: string, on: string): { youngest: number; oldest: number } {
  const [by, bm, bd] = birthDate.slice(0, 10).split('-').map(Number) as [
    number,
    number | undefined,
    number | undefined,
  ];
  const [y, m, d] = on.slice(0, 10).split('-').map(Number) as [number, number, number];
  const years = (month: number, day: number) => y - by - (m < month || (m === month && d < day) ? 1 : 0);
  const lastDay = (month: number) => new Date(Date.UTC(by, month, 0)).getUTCDate();
  const earliest = { month: bm ?? 1, day: bd ?? 1 };
  const latest = { month: bm ?? 12, day: bd ?? lastDay(bm ?? 12) };
  return { youngest: years(latest.month, latest.day), oldest: years(earliest.month, earliest.day) };
}

function orderOf(m: {
  rxnormCode: string | null;
  name: string;
  dailyDose: number | null;
  doseUnit: string;
  route: string;
  frequency: string;
  prescriberId: string;
}) {
  const { rxnormCode, name, dailyDose, doseUnit, route, frequency, prescriberId } = m;
  return { rxnormCode, name, dailyDose, doseUnit, route, frequency, prescriberId };
}
