import { UNKNOWN_EHR_PRESCRIBER } from '@carecircle/clinician-liaison/domain';
import { allEventDefinitions, fixtures } from '@carecircle/contracts';
import { UpcasterRegistry, type RecordedEvent } from '@carecircle/platform/event-store';
import { coordinationUpcasters } from '../coordination/coordination.upcasters';
import { toIntegrationEvent } from './to-integration-event';

const f = fixtures;
function recorded(type: string, eventId: string, occurredAt: string, data: object): RecordedEvent {
  return {
    streamId: 's',
    streamVersion: 0,
    globalPosition: 1n,
    recordedAt: new Date(0),
    eventId,
    type,
    data,
    metadata: { occurredAt, correlationId: 'corr-liaison-01', causationId: 'cmd-liaison-01' },
  };
}
const parse = (type: string, value: unknown) => allEventDefinitions.find((d) => d.type === type)!.parse(value);
const memberId = 'mbr_synthetic_0001';

describe('clinician-liaison integration events (producer contract)', () => {
  it('publishes CoordinationAlertRaised as the fixture, without the summary text', () => {
    const p = f.CoordinationAlertRaised.payload;
    const out = toIntegrationEvent(
      recorded('AlertRaised', f.CoordinationAlertRaised.eventId, f.CoordinationAlertRaised.occurredAt, {
        ...p,
        memberId,
        escalationChain: [],
        summary: 'sertraline started',
        detail: 'd',
      }),
    );
    expect(out).toEqual({ topic: 'carecircle.clinician-liaison.v1', key: memberId, value: f.CoordinationAlertRaised });
    expect(JSON.stringify(out)).not.toMatch(/sertraline/);
  });

  it('publishes AlertAcknowledged without the override text', () => {
    const a = f.AlertAcknowledged;
    const out = toIntegrationEvent(
      recorded('AlertAcknowledged', a.eventId, a.occurredAt, {
        alertId: a.payload.alertId,
        memberId,
        by: a.payload.acknowledgedBy,
        outcome: 'overridden',
        reason: 'member seen today',
        acknowledgedAt: a.payload.acknowledgedAt,
      }),
    );
    expect(out?.value).toEqual(a);
  });

  it('publishes escalation, resolution, medication and plan changes that parse against their contracts', () => {
    const e = f.AlertEscalated;
    expect(
      toIntegrationEvent(
        recorded('AlertEscalated', e.eventId, e.occurredAt, { ...e.payload, memberId, nextEscalationDueAt: null }),
      )?.value,
    ).toEqual(e);
    const r = f.AlertResolved;
    expect(
      toIntegrationEvent(
        recorded('AlertResolved', r.eventId, r.occurredAt, {
          alertId: r.payload.alertId,
          memberId,
          by: r.payload.resolvedBy,
          reason: 'x',
          resolvedAt: r.payload.resolvedAt,
        }),
      )?.value,
    ).toEqual(r);
    const m = f.MedicationChanged;
    const started = toIntegrationEvent(
      recorded('MedicationStarted', m.eventId, m.occurredAt, {
        memberId,
        medicationId: m.payload.medicationId,
        order: {
          rxnormCode: '36437',
          name: 'sertraline',
          dailyDose: 50,
          doseUnit: 'mg',
          route: 'oral',
          frequency: 'daily',
          prescriberId: m.payload.prescriberId,
        },
        classification: {
          status: 'classified',
          ingredient: 'sertraline',
          rxnormIngredient: '36437',
          atc: 'N06AB06',
          classes: ['ssri'],
          mmeFactor: null,
          serotonergicOpioid: false,
        },
        startedAt: m.payload.changedAt,
      }),
    );
    expect(started?.value).toEqual(m);
    const t = f.TreatmentPlanUpdated;
    expect(
      toIntegrationEvent(
        recorded('PalliativePlanStarted', t.eventId, t.occurredAt, {
          memberId,
          planId: t.payload.planId,
          goalsOfCare: 'comfort',
          startedAt: t.payload.updatedAt,
        }),
      )?.value,
    ).toEqual(t);
    const stopped = toIntegrationEvent(
      recorded('MedicationStopped', m.eventId, m.occurredAt, {
        memberId,
        medicationId: 'med_1',
        stoppedAt: m.occurredAt,
      }),
    );
    expect(parse('MedicationChanged', stopped!.value)).toEqual(stopped!.value);
    const doseChanged = toIntegrationEvent(
      recorded('MedicationDoseChanged', m.eventId, m.occurredAt, {
        memberId,
        medicationId: 'med_1',
        dailyDose: 100,
        doseUnit: 'mg',
        frequency: 'daily',
        prescriberId: m.payload.prescriberId,
        changedAt: m.occurredAt,
      }),
    );
    expect(doseChanged?.value.payload).toEqual({
      medicationId: 'med_1',
      change: 'dose-changed',
      rxnormIngredient: null,
      classes: [],
      classified: false,
      prescriberId: m.payload.prescriberId,
      changedAt: m.occurredAt,
      dailyDose: 100,
      doseUnit: 'mg/day',
    });
    expect(JSON.stringify(doseChanged)).not.toMatch(/daily"|frequency/); // the order's wording stays in liaison
    // Changes recorded with the medication's classification name it on the bus, so the timeline can too.
    const sertraline = {
      status: 'classified',
      ingredient: 'sertraline',
      rxnormIngredient: '36437',
      atc: 'N06AB06',
      classes: ['ssri'],
      mmeFactor: null,
      serotonergicOpioid: false,
    };
    const classifiedChange = toIntegrationEvent(
      recorded('MedicationDoseChanged', m.eventId, m.occurredAt, {
        memberId,
        medicationId: 'med_1',
        dailyDose: 100,
        doseUnit: 'mg',
        frequency: 'daily',
        prescriberId: m.payload.prescriberId,
        changedAt: m.occurredAt,
        classification: sertraline,
      }),
    );
    expect(classifiedChange?.value.payload).toMatchObject({
      change: 'dose-changed',
      rxnormIngredient: '36437',
      classes: ['ssri'],
      classified: true,
    });
    const classifiedStop = toIntegrationEvent(
      recorded('MedicationStopped', m.eventId, m.occurredAt, {
        memberId,
        medicationId: 'med_1',
        stoppedAt: m.occurredAt,
        classification: sertraline,
      }),
    );
    expect(classifiedStop?.value.payload).toMatchObject({
      change: 'stopped',
      rxnormIngredient: '36437',
      classes: ['ssri'],
    });
    expect(JSON.stringify([classifiedChange, classifiedStop])).not.toMatch(/sertraline|N06AB06/); // ids and classes only
    // An EHR order that named no practitioner: the placeholder is nobody's id, so the bus says null.
    const unnamed = toIntegrationEvent(
      recorded('MedicationDoseChanged', m.eventId, m.occurredAt, {
        memberId,
        medicationId: 'med_1',
        dailyDose: 100,
        doseUnit: 'mg',
        frequency: 'daily',
        prescriberId: UNKNOWN_EHR_PRESCRIBER,
        changedAt: m.occurredAt,
      }),
    );
    expect(unnamed?.value.payload).toMatchObject({ prescriberId: null });
    // A dose liaison could not compute travels as nulls: what the EHR wrote ("1 tablet per dose") stays here.
    const unknownDose = toIntegrationEvent(
      recorded('MedicationDoseChanged', m.eventId, m.occurredAt, {
        memberId,
        medicationId: 'med_1',
        dailyDose: null,
        doseUnit: '1 tablet per dose',
        frequency: 'BID (2/day)',
        prescriberId: m.payload.prescriberId,
        changedAt: m.occurredAt,
      }),
    );
    expect(unknownDose?.value.payload).toMatchObject({ dailyDose: null, doseUnit: null });
    expect(JSON.stringify(unknownDose)).not.toMatch(/tablet|BID/);
    const cbt = toIntegrationEvent(
      recorded('CbtCourseStarted', t.eventId, t.occurredAt, {
        memberId,
        courseId: 'cbt_1',
        sessionsPlanned: 12,
        startedAt: t.occurredAt,
      }),
    );
    expect(cbt?.value.payload).toEqual({
      plan: 'cbt-course',
      planId: 'cbt_1',
      change: 'started',
      updatedAt: t.occurredAt,
    });
    const goals = toIntegrationEvent(
      recorded('GoalsOfCareChanged', t.eventId, t.occurredAt, {
        memberId,
        planId: t.payload.planId,
        goalsOfCare: 'comfort only',
        changedAt: t.occurredAt,
      }),
    );
    expect(goals?.value.payload).toEqual({
      plan: 'palliative-plan',
      planId: t.payload.planId,
      change: 'goals-of-care-changed',
      updatedAt: t.occurredAt,
    });
    expect(JSON.stringify(goals)).not.toMatch(/comfort/);
  });

  it('parses every message against its contract, not only memberships: a name as subject stops the relay', () => {
    const m = f.MedicationChanged;
    expect(() =>
      toIntegrationEvent(
        recorded('MedicationStopped', m.eventId, m.occurredAt, {
          memberId: 'Jane Doe',
          medicationId: 'med_1',
          stoppedAt: m.occurredAt,
        }),
      ),
    ).toThrow(/pseudonymous/);
  });

  it('publishes the medication-sharing consent from the recorded profile, and nothing else of the profile', () => {
    const c = f.MedicationSharingWithFacilitatorChanged;
    const profile = {
      memberId,
      birthDate: '1961-04-02',
      cohort: 'general',
      shareMedicationDetailsWithFacilitator: true,
      part2Consent: true,
      recordedAt: c.payload.changedAt,
    };
    const out = toIntegrationEvent(recorded('MemberProfileRecorded', c.eventId, c.occurredAt, profile));
    expect(out).toEqual({ topic: 'carecircle.clinician-liaison.v1', key: memberId, value: c });
    expect(JSON.stringify(out)).not.toMatch(/1961|part2|cohort/);
    const withdrawn = toIntegrationEvent(
      recorded('MemberProfileRecorded', c.eventId, c.occurredAt, {
        ...profile,
        shareMedicationDetailsWithFacilitator: false,
      }),
    );
    expect(parse('MedicationSharingWithFacilitatorChanged', withdrawn?.value).payload).toEqual({
      shareMedicationDetailsWithFacilitator: false,
      changedAt: c.payload.changedAt,
    });
  });

  it('publishes care-team membership and emergency access as their contracts, the clinician’s note never', () => {
    const eventId = f.AlertResolved.eventId;
    const at = '2026-03-02T10:00:00.000Z';
    const assigned = toIntegrationEvent(
      recorded('CareTeamMemberAssigned', eventId, at, {
        memberId,
        clinicianId: 'clin_psy_01',
        role: 'attending-psychiatrist',
        endpoint: 'https://ehr.example/ep',
        activeFrom: at,
        activeUntil: '2026-06-30T00:00:00.000Z',
      }),
    );
    expect(parse('CareTeamMemberAssigned', assigned!.value).payload).toEqual({
      clinicianId: 'clin_psy_01',
      role: 'attending-psychiatrist',
      activeFrom: at,
      activeUntil: '2026-06-30T00:00:00.000Z',
    });
    expect(JSON.stringify(assigned)).not.toContain('ehr.example');
    // Recorded (schema v1) before planned ends were kept: the relay reads it upcast, open-ended.
    const older = toIntegrationEvent(
      new UpcasterRegistry(coordinationUpcasters).upcast(
        recorded('CareTeamMemberAssigned', eventId, at, {
          memberId,
          clinicianId: 'clin_psy_01',
          role: 'physician',
          endpoint: null,
          activeFrom: at,
        }),
      ),
    );
    expect(parse('CareTeamMemberAssigned', older!.value).payload).toMatchObject({ activeUntil: null });
    const ended = toIntegrationEvent(
      recorded('CareTeamMemberEnded', eventId, at, {
        memberId,
        clinicianId: 'clin_psy_01',
        role: 'physician',
        endedAt: at,
      }),
    );
    expect(parse('CareTeamMemberEnded', ended!.value)).toMatchObject({
      subject: memberId,
      payload: { clinicianId: 'clin_psy_01', role: 'physician', endedAt: at },
    });
    const opened = toIntegrationEvent(
      recorded('EmergencyAccessOpened', eventId, at, {
        memberId,
        clinicianId: 'clin_er_01',
        reasonCode: 'safety-concern',
        note: 'synthetic private words',
        openedAt: at,
        expiresAt: '2026-03-02T14:00:00.000Z',
      }),
    );
    expect(parse('EmergencyAccessOpened', opened!.value).payload).toEqual({
      clinicianId: 'clin_er_01',
      reasonCode: 'safety-concern',
      openedAt: at,
      expiresAt: '2026-03-02T14:00:00.000Z',
    });
    expect(JSON.stringify(opened)).not.toContain('synthetic private words');
  });

  it('refuses to publish a membership its contract would not accept', () => {
    expect(() =>
      toIntegrationEvent(
        recorded('CareTeamMemberAssigned', f.AlertResolved.eventId, 'x', {
          memberId,
          clinicianId: 'clin_psy_01',
          role: 'surgeon',
          endpoint: null,
          activeFrom: 'yesterday',
        }),
      ),
    ).toThrow();
  });

  it('keeps internal facts off the bus', () => {
    expect(
      toIntegrationEvent(
        recorded('ExternalFactRecorded', f.AlertResolved.eventId, f.AlertResolved.occurredAt, { memberId }),
      ),
    ).toBeNull();
  });
});
