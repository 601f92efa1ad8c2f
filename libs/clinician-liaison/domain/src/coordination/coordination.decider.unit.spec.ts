import { spec, type CommandMetadata } from '@carecircle/shared-kernel';
import { classifyMedication } from '../terminology/medication-terminology';
import type { CoordinationEvent, MedicationOrder } from './coordination';
import { ageOn, ageRangeOn, coordinationDecider } from './coordination.decider';

const metadata: CommandMetadata = {
  now: new Date('2026-03-02T10:00:00Z'),
  correlationId: 'corr-1',
  causationId: 'req-1',
};
const memberId = 'mbr_synthetic_0001';
const at = '2026-03-02T10:00:00.000Z';
const order: MedicationOrder = {
  rxnormCode: '36437',
  name: 'sertraline',
  dailyDose: 50,
  doseUnit: 'mg',
  route: 'oral',
  frequency: 'daily',
  prescriberId: 'clin_psy_01',
};
const classification = classifyMedication({ rxnormCode: '36437' });
const started: CoordinationEvent = {
  type: 'MedicationStarted',
  data: { memberId, medicationId: 'med_1', order, classification, startedAt: at },
};
const then = spec(coordinationDecider);

describe('member coordination decider', () => {
  it('assigns a care-team member once', () => {
    const assigned: CoordinationEvent = {
      type: 'CareTeamMemberAssigned',
      data: {
        memberId,
        clinicianId: 'clin_psy_01',
        role: 'attending-psychiatrist',
        endpoint: null,
        activeFrom: at,
        activeUntil: null,
      },
    };
    then
      .given([])
      .when({
        type: 'AssignCareTeamMember',
        data: { memberId, clinicianId: 'clin_psy_01', role: 'attending-psychiatrist', endpoint: null },
        metadata,
      })
      .then([assigned]);
    then
      .given([assigned])
      .when({
        type: 'AssignCareTeamMember',
        data: { memberId, clinicianId: 'clin_psy_01', role: 'attending-psychiatrist', endpoint: null },
        metadata,
      })
      .then([]);
  });
  it('keeps the planned end of an assignment and records a changed one', () => {
    const until = '2026-06-30T23:59:59.999Z';
    const assigned: CoordinationEvent = {
      type: 'CareTeamMemberAssigned',
      data: {
        memberId,
        clinicianId: 'clin_phys_01',
        role: 'physician',
        endpoint: null,
        activeFrom: at,
        activeUntil: until,
      },
    };
    const assign = (activeUntil: string | null) => ({
      type: 'AssignCareTeamMember' as const,
      data: { memberId, clinicianId: 'clin_phys_01', role: 'physician' as const, endpoint: null, activeUntil },
      metadata,
    });
    then.given([]).when(assign(until)).then([assigned]);
    then.given([assigned]).when(assign(until)).then([]);
    then
      .given([assigned])
      .when(assign(null))
      .then([{ ...assigned, data: { ...assigned.data, activeUntil: null } }]);
  });
  it('opens emergency access only to a clinician off the care team, a new window each time, the note kept in the event', () => {
    const open = (clinicianId: string) => ({
      type: 'OpenEmergencyAccess' as const,
      data: {
        memberId,
        clinicianId,
        reasonCode: 'safety-concern' as const,
        note: 'synthetic note',
        expiresAt: '2026-03-02T14:00:00.000Z',
      },
      metadata,
    });
    const opened: CoordinationEvent = {
      type: 'EmergencyAccessOpened',
      data: {
        memberId,
        clinicianId: 'clin_er_01',
        reasonCode: 'safety-concern',
        note: 'synthetic note',
        openedAt: at,
        expiresAt: '2026-03-02T14:00:00.000Z',
      },
    };
    then.given([]).when(open('clin_er_01')).then([opened]);
    then.given([opened]).when(open('clin_er_01')).then([opened]);
    const onTeam: CoordinationEvent = {
      type: 'CareTeamMemberAssigned',
      data: {
        memberId,
        clinicianId: 'clin_er_01',
        role: 'physician',
        endpoint: null,
        activeFrom: at,
        activeUntil: null,
      },
    };
    then.given([onTeam]).when(open('clin_er_01')).thenFails('liaison.already-on-care-team');
    // A planned end already passed is no longer the care team.
    const ended: CoordinationEvent = { ...onTeam, data: { ...onTeam.data, activeUntil: '2026-03-01T00:00:00.000Z' } };
    then.given([ended]).when(open('clin_er_01')).then([opened]);
  });
  it('cannot end a membership that does not exist', () => {
    then
      .given([])
      .when({ type: 'EndCareTeamMember', data: { memberId, clinicianId: 'clin_x', role: 'facilitator' }, metadata })
      .thenFails('liaison.care-team-member-unknown');
  });
  it('starts a medication, keeps the same start idempotent and refuses a different one under the same id', () => {
    then
      .given([])
      .when({ type: 'StartMedication', data: { memberId, medicationId: 'med_1', order, classification }, metadata })
      .then([started]);
    then
      .given([started])
      .when({
        type: 'StartMedication',
        data: { memberId, medicationId: 'med_1', order: { ...order }, classification },
        metadata,
      })
      .then([]);
    then
      .given([started])
      .when({
        type: 'StartMedication',
        data: { memberId, medicationId: 'med_1', order: { ...order, name: 'fluoxetine' }, classification },
        metadata,
      })
      .thenFails('liaison.medication-conflict');
  });
  it('changes a dose only when it differs, and never for an unknown or stopped medication', () => {
    const change = {
      memberId,
      medicationId: 'med_1',
      dailyDose: 100,
      doseUnit: 'mg',
      frequency: 'daily',
      prescriberId: 'clin_psy_01',
    };
    then
      .given([started])
      .when({ type: 'ChangeMedicationDose', data: change, metadata })
      .then([{ type: 'MedicationDoseChanged', data: { ...change, changedAt: at, classification } }]);
    then
      .given([started])
      .when({ type: 'ChangeMedicationDose', data: { ...change, dailyDose: 50 }, metadata })
      .then([]);
    then
      .given([])
      .when({ type: 'ChangeMedicationDose', data: change, metadata })
      .thenFails('liaison.medication-unknown');
    const stopped: CoordinationEvent = {
      type: 'MedicationStopped',
      data: { memberId, medicationId: 'med_1', stoppedAt: at },
    };
    then
      .given([started, stopped])
      .when({ type: 'ChangeMedicationDose', data: change, metadata })
      .thenFails('liaison.medication-stopped');
  });
  it('stops a medication once, naming its classification for readers of the stop alone', () => {
    const stop = { type: 'StopMedication', data: { memberId, medicationId: 'med_1' }, metadata } as const;
    const stopped: CoordinationEvent = {
      type: 'MedicationStopped',
      data: { memberId, medicationId: 'med_1', stoppedAt: at, classification },
    };
    then.given([started]).when(stop).then([stopped]);
    then.given([started, stopped]).when(stop).then([]);
    then.given([]).when(stop).thenFails('liaison.medication-unknown');
  });
  it('records an external fact once per source event', () => {
    const fact = { kind: 'group-joined' as const, groupId: 'grp_1', at };
    const recorded: CoordinationEvent = {
      type: 'ExternalFactRecorded',
      data: { memberId, sourceEventId: 'evt-9', fact },
    };
    then
      .given([])
      .when({ type: 'RecordExternalFact', data: { memberId, sourceEventId: 'evt-9', fact }, metadata })
      .then([recorded]);
    then
      .given([recorded])
      .when({ type: 'RecordExternalFact', data: { memberId, sourceEventId: 'evt-9', fact }, metadata })
      .then([]);
  });
  it('changes goals of care only on an existing plan', () => {
    then
      .given([])
      .when({ type: 'ChangeGoalsOfCare', data: { memberId, planId: 'p1', goalsOfCare: 'comfort' }, metadata })
      .thenFails('liaison.palliative-plan-unknown');
  });
  it('computes age in whole years', () => {
    expect(ageOn('2004-03-03', '2026-03-02T10:00:00Z')).toBe(21);
    expect(ageOn('2004-03-02', '2026-03-02T10:00:00Z')).toBe(22);
  });
  it('computes the youngest and oldest age a partial birth date allows', () => {
    expect(ageRangeOn('2004-03-02', '2026-03-02T10:00:00Z')).toEqual({ youngest: 22, oldest: 22 });
    expect(ageRangeOn('2004', '2026-03-02T10:00:00Z')).toEqual({ youngest: 21, oldest: 22 });
    expect(ageRangeOn('2004-02', '2026-02-28T10:00:00Z')).toEqual({ youngest: 21, oldest: 22 });
    expect(ageRangeOn('2004-02', '2026-03-01T10:00:00Z')).toEqual({ youngest: 22, oldest: 22 });
  });
  it('records a birth date from the EHR once, keeping the rest of the profile', () => {
    const record = (birthDate: string) => ({
      type: 'RecordBirthDate' as const,
      data: { memberId, birthDate },
      metadata,
    });
    const recorded: CoordinationEvent = {
      type: 'MemberBirthDateRecorded',
      data: { memberId, birthDate: '2004-03-02', recordedAt: at },
    };
    then.given([]).when(record('2004-03-02')).then([recorded]);
    then.given([recorded]).when(record('2004-03-02')).then([]);
    const profile: CoordinationEvent = {
      type: 'MemberProfileRecorded',
      data: {
        memberId,
        birthDate: '1990-01-01',
        cohort: 'palliative',
        shareMedicationDetailsWithFacilitator: true,
        part2Consent: false,
        recordedAt: at,
      },
    };
    const state = [profile, recorded].reduce(coordinationDecider.evolve, coordinationDecider.initialState);
    expect(state.profile).toEqual({
      birthDate: '2004-03-02',
      cohort: 'palliative',
      shareMedicationDetailsWithFacilitator: true,
      part2Consent: false,
    });
    const plan: CoordinationEvent = {
      type: 'PalliativePlanStarted',
      data: { memberId, planId: 'p1', goalsOfCare: '', startedAt: at },
    };
    expect([plan, recorded].reduce(coordinationDecider.evolve, coordinationDecider.initialState).profile).toEqual({
      birthDate: '2004-03-02',
      cohort: 'palliative',
      shareMedicationDetailsWithFacilitator: false,
      part2Consent: false,
    });
    expect([recorded].reduce(coordinationDecider.evolve, coordinationDecider.initialState).profile?.cohort).toBe(
      'general',
    );
  });
  it('records a distress report for a group of the member, once per report id; refuses an unknown member or group', () => {
    const report = (groupId: string, reportId = 'rep-1') => ({
      type: 'ReportDistress' as const,
      data: {
        memberId,
        reportId,
        groupId,
        sessionId: 'grp_1-s03',
        observedAt: '2026-03-02T09:45:00Z',
        reportedBy: 'fac_1',
        note: null,
      },
      metadata,
    });
    const joined: CoordinationEvent = {
      type: 'ExternalFactRecorded',
      data: { memberId, sourceEventId: 'evt-1', fact: { kind: 'group-joined', groupId: 'grp_1', at } },
    };
    const recorded: CoordinationEvent = {
      type: 'ExternalFactRecorded',
      data: {
        memberId,
        sourceEventId: 'distress-report:rep-1',
        fact: {
          kind: 'distress-reported',
          groupId: 'grp_1',
          at: '2026-03-02T09:45:00.000Z',
          reportId: 'report:rep-1',
          source: 'facilitator',
          sessionId: 'grp_1-s03',
          reportedBy: 'fac_1',
          note: null,
        },
      },
    };
    then.given([joined]).when(report('grp_1')).then([recorded]);
    then.given([joined, recorded]).when(report('grp_1')).then([]);
    then.given([]).when(report('grp_1')).thenFails('liaison.member-unknown');
    then.given([joined]).when(report('grp_2')).thenFails('liaison.group-not-the-members');
    then
      .given([joined])
      .when({ ...report('grp_1'), data: { ...report('grp_1').data, observedAt: '2026-03-03T10:00:00Z' } })
      .thenFails('liaison.distress-in-the-future');
  });
});
