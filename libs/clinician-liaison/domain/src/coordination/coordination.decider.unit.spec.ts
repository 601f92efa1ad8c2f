import { spec, type CommandMetadata } from '@carecircle/shared-kernel';
import { classifyMedication } from '../terminology/medication-terminology';
import type { CoordinationEvent, MedicationOrder } from './coordination';
import { ageOn, coordinationDecider } from './coordination.decider';

const metadata: CommandMetadata = { now: new Date('2026-03-02T10:00:00Z'), correlationId: 'corr-1', causationId: 'req-1' };
const memberId = 'mbr_synthetic_0001';
const at = '2026-03-02T10:00:00.000Z';
const order: MedicationOrder = { rxnormCode: '36437', name: 'sertraline', dailyDose: 50, doseUnit: 'mg', route: 'oral', frequency: 'daily', prescriberId: 'clin_psy_01' };
const classification = classifyMedication({ rxnormCode: '36437' });
const started: CoordinationEvent = { type: 'MedicationStarted', data: { memberId, medicationId: 'med_1', order, classification, startedAt: at } };
const then = spec(coordinationDecider);

describe('member coordination decider', () => {
  it('assigns a care-team member once', () => {
    const assigned: CoordinationEvent = { type: 'CareTeamMemberAssigned', data: { memberId, clinicianId: 'clin_psy_01', role: 'attending-psychiatrist', endpoint: null, activeFrom: at } };
    then.given([]).when({ type: 'AssignCareTeamMember', data: { memberId, clinicianId: 'clin_psy_01', role: 'attending-psychiatrist', endpoint: null }, metadata }).then([assigned]);
    then.given([assigned]).when({ type: 'AssignCareTeamMember', data: { memberId, clinicianId: 'clin_psy_01', role: 'attending-psychiatrist', endpoint: null }, metadata }).then([]);
  });
  it('cannot end a membership that does not exist', () => {
    then.given([]).when({ type: 'EndCareTeamMember', data: { memberId, clinicianId: 'clin_x', role: 'facilitator' }, metadata }).thenFails('liaison.care-team-member-unknown');
  });
  it('starts a medication, keeps the same start idempotent and refuses a different one under the same id', () => {
    then.given([]).when({ type: 'StartMedication', data: { memberId, medicationId: 'med_1', order, classification }, metadata }).then([started]);
    then.given([started]).when({ type: 'StartMedication', data: { memberId, medicationId: 'med_1', order: { ...order }, classification }, metadata }).then([]);
    then.given([started]).when({ type: 'StartMedication', data: { memberId, medicationId: 'med_1', order: { ...order, name: 'fluoxetine' }, classification }, metadata }).thenFails('liaison.medication-conflict');
  });
  it('changes a dose only when it differs, and never for an unknown or stopped medication', () => {
    const change = { memberId, medicationId: 'med_1', dailyDose: 100, doseUnit: 'mg', frequency: 'daily', prescriberId: 'clin_psy_01' };
    then.given([started]).when({ type: 'ChangeMedicationDose', data: change, metadata }).then([{ type: 'MedicationDoseChanged', data: { ...change, changedAt: at } }]);
    then.given([started]).when({ type: 'ChangeMedicationDose', data: { ...change, dailyDose: 50 }, metadata }).then([]);
    then.given([]).when({ type: 'ChangeMedicationDose', data: change, metadata }).thenFails('liaison.medication-unknown');
    const stopped: CoordinationEvent = { type: 'MedicationStopped', data: { memberId, medicationId: 'med_1', stoppedAt: at } };
    then.given([started, stopped]).when({ type: 'ChangeMedicationDose', data: change, metadata }).thenFails('liaison.medication-stopped');
  });
  it('records an external fact once per source event', () => {
    const fact = { kind: 'group-joined' as const, groupId: 'grp_1', at };
    const recorded: CoordinationEvent = { type: 'ExternalFactRecorded', data: { memberId, sourceEventId: 'evt-9', fact } };
    then.given([]).when({ type: 'RecordExternalFact', data: { memberId, sourceEventId: 'evt-9', fact }, metadata }).then([recorded]);
    then.given([recorded]).when({ type: 'RecordExternalFact', data: { memberId, sourceEventId: 'evt-9', fact }, metadata }).then([]);
  });
  it('changes goals of care only on an existing plan', () => {
    then.given([]).when({ type: 'ChangeGoalsOfCare', data: { memberId, planId: 'p1', goalsOfCare: 'comfort' }, metadata }).thenFails('liaison.palliative-plan-unknown');
  });
  it('computes age in whole years', () => {
    expect(ageOn('2004-03-03', '2026-03-02T10:00:00Z')).toBe(21);
    expect(ageOn('2004-03-02', '2026-03-02T10:00:00Z')).toBe(22);
  });
});
