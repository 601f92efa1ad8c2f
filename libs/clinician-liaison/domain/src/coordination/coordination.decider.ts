import { domainError, type Decider } from '@carecircle/shared-kernel';
import type { CoordinationCommand, CoordinationEvent, CoordinationState, ExternalFact } from './coordination';

export const initialCoordinationState: CoordinationState = {
  memberId: null,
  profile: null,
  careTeam: [],
  medications: {},
  groups: {},
  contacts: [],
  attendance: {},
  scores: {},
  cbt: null,
  palliative: null,
  seenSourceEvents: [],
};

const unknownMedication = () => domainError('not-found', 'liaison.medication-unknown', 'No medication with this id is recorded for the member.');

export const coordinationDecider: Decider<CoordinationCommand, CoordinationEvent, CoordinationState> = {
  initialState: initialCoordinationState,
  decide(command, state): readonly CoordinationEvent[] | ReturnType<typeof domainError> {
    const now = command.metadata.now.toISOString();
    const { memberId } = command.data;
    switch (command.type) {
      case 'RecordMemberProfile': {
        const { memberId: _m, ...profile } = command.data;
        if (state.profile && JSON.stringify(state.profile) === JSON.stringify(profile)) return [];
        return [{ type: 'MemberProfileRecorded', data: { ...command.data, recordedAt: now } }];
      }
      case 'AssignCareTeamMember': {
        const { clinicianId, role, endpoint } = command.data;
        const current = activeMembership(state, clinicianId, role);
        if (current && current.endpoint === endpoint) return [];
        return [{ type: 'CareTeamMemberAssigned', data: { memberId, clinicianId, role, endpoint, activeFrom: now } }];
      }
      case 'EndCareTeamMember': {
        const { clinicianId, role } = command.data;
        if (!activeMembership(state, clinicianId, role)) {
          return domainError('not-found', 'liaison.care-team-member-unknown', 'This clinician holds no active role of this kind in the care team.');
        }
        return [{ type: 'CareTeamMemberEnded', data: { memberId, clinicianId, role, endedAt: now } }];
      }
      case 'StartMedication': {
        const { medicationId, order, classification } = command.data;
        const existing = state.medications[medicationId];
        if (existing) {
          const same = JSON.stringify(orderOf(existing)) === JSON.stringify(orderOf(order));
          return same
            ? []
            : domainError('conflict', 'liaison.medication-conflict', 'A different medication was already recorded under this medication id.');
        }
        return [{ type: 'MedicationStarted', data: { memberId, medicationId, order, classification, startedAt: now } }];
      }
      case 'ChangeMedicationDose': {
        const { medicationId, dailyDose, doseUnit, frequency, prescriberId } = command.data;
        const medication = state.medications[medicationId];
        if (!medication) return unknownMedication();
        if (medication.status === 'stopped') return domainError('rule-violation', 'liaison.medication-stopped', 'A stopped medication cannot change dose.');
        if (medication.dailyDose === dailyDose && medication.doseUnit === doseUnit && medication.frequency === frequency) return [];
        return [{ type: 'MedicationDoseChanged', data: { memberId, medicationId, dailyDose, doseUnit, frequency, prescriberId, changedAt: now } }];
      }
      case 'StopMedication': {
        const medication = state.medications[command.data.medicationId];
        if (!medication) return unknownMedication();
        if (medication.status === 'stopped') return [];
        return [{ type: 'MedicationStopped', data: { memberId, medicationId: command.data.medicationId, stoppedAt: now } }];
      }
      case 'StartCbtCourse':
        if (state.cbt?.courseId === command.data.courseId) return [];
        return [{ type: 'CbtCourseStarted', data: { ...command.data, startedAt: now } }];
      case 'StartPalliativePlan':
        if (state.palliative?.planId === command.data.planId) return [];
        return [{ type: 'PalliativePlanStarted', data: { ...command.data, startedAt: now } }];
      case 'ChangeGoalsOfCare':
        if (state.palliative?.planId !== command.data.planId) {
          return domainError('not-found', 'liaison.palliative-plan-unknown', 'No palliative plan with this id is recorded for the member.');
        }
        if (state.palliative.goalsOfCare === command.data.goalsOfCare) return [];
        return [{ type: 'GoalsOfCareChanged', data: { ...command.data, changedAt: now } }];
      case 'RecordExternalFact':
        if (state.seenSourceEvents.includes(command.data.sourceEventId)) return [];
        return [{ type: 'ExternalFactRecorded', data: command.data }];
    }
  },
  evolve(state, event) {
    const base = { ...state, memberId: event.data.memberId };
    switch (event.type) {
      case 'MemberProfileRecorded': {
        const { memberId: _m, recordedAt: _r, ...profile } = event.data;
        return { ...base, profile };
      }
      case 'CareTeamMemberAssigned': {
        const { clinicianId, role, endpoint, activeFrom } = event.data;
        const others = endMembership(state, clinicianId, role, activeFrom);
        return { ...base, careTeam: [...others, { clinicianId, role, endpoint, activeFrom, activeTo: null }] };
      }
      case 'CareTeamMemberEnded':
        return { ...base, careTeam: endMembership(state, event.data.clinicianId, event.data.role, event.data.endedAt) };
      case 'MedicationStarted': {
        const { medicationId, order, classification, startedAt } = event.data;
        return { ...base, medications: { ...state.medications, [medicationId]: { ...order, medicationId, classification, status: 'active', startedAt, changedAt: startedAt } } };
      }
      case 'MedicationDoseChanged': {
        const { medicationId, dailyDose, doseUnit, frequency, prescriberId, changedAt } = event.data;
        const current = state.medications[medicationId]!;
        return { ...base, medications: { ...state.medications, [medicationId]: { ...current, dailyDose, doseUnit, frequency, prescriberId, changedAt } } };
      }
      case 'MedicationStopped': {
        const current = state.medications[event.data.medicationId]!;
        return { ...base, medications: { ...state.medications, [event.data.medicationId]: { ...current, status: 'stopped' } } };
      }
      case 'CbtCourseStarted':
        return { ...base, cbt: { courseId: event.data.courseId, therapistId: event.data.therapistId, startedAt: event.data.startedAt } };
      case 'PalliativePlanStarted':
        return { ...base, palliative: { planId: event.data.planId, goalsOfCare: event.data.goalsOfCare, startedAt: event.data.startedAt } };
      case 'GoalsOfCareChanged':
        return { ...base, palliative: state.palliative && { ...state.palliative, goalsOfCare: event.data.goalsOfCare } };
      case 'ExternalFactRecorded':
        return { ...applyFact(base, event.data.fact), seenSourceEvents: [...state.seenSourceEvents, event.data.sourceEventId] };
    }
  },
};

function applyFact(state: CoordinationState, fact: ExternalFact): CoordinationState {
  switch (fact.kind) {
    case 'group-joined':
      return { ...state, groups: { ...state.groups, [fact.groupId]: { groupId: fact.groupId, active: true, joinedAt: fact.at } } };
    case 'group-left': {
      const group = state.groups[fact.groupId];
      return group ? { ...state, groups: { ...state.groups, [fact.groupId]: { ...group, active: false } } } : state;
    }
    case 'contact-booked':
      return { ...state, contacts: [...state.contacts.filter((c) => c.contactId !== fact.contactId), { contactId: fact.contactId, kind: fact.contactKind, start: fact.start, end: fact.end }] };
    case 'attendance-recorded': {
      const { groupId, sessionNumber, plannedSessions, sessionsAttended } = fact;
      return { ...state, attendance: { ...state.attendance, [groupId]: { sessionNumber, plannedSessions, sessionsAttended } } };
    }
    case 'measure-recorded': {
      const previous = state.scores[fact.instrument]?.latest ?? null;
      return { ...state, scores: { ...state.scores, [fact.instrument]: { latest: { score: fact.score, item9: fact.item9, at: fact.at }, previous } } };
    }
    case 'distress-reported':
      return state;
  }
}

function activeMembership(state: CoordinationState, clinicianId: string, role: string) {
  return state.careTeam.find((m) => m.clinicianId === clinicianId && m.role === role && m.activeTo === null);
}

function endMembership(state: CoordinationState, clinicianId: string, role: string, at: string) {
  return state.careTeam.map((m) => (m.clinicianId === clinicianId && m.role === role && m.activeTo === null ? { ...m, activeTo: at } : m));
}

/** Age in whole years on a date (ISO strings), for the age-dependent rules. */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.slice(0, 10).split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.slice(0, 10).split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

function orderOf(m: { rxnormCode: string | null; name: string; dailyDose: number | null; doseUnit: string; route: string; frequency: string; prescriberId: string }) {
  const { rxnormCode, name, dailyDose, doseUnit, route, frequency, prescriberId } = m;
  return { rxnormCode, name, dailyDose, doseUnit, route, frequency, prescriberId };
}
