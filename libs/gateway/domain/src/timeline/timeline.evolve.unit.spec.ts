import { evolve } from './timeline.evolve';
import { viewOf } from './timeline.access';
import type { TimelineEntry, TimelineSourceEvent } from './timeline-entry';

const member = 'mbr_unit_000001';
const event = (type: string, payload: object, extra: Partial<TimelineSourceEvent> = {}): TimelineSourceEvent => ({
  eventId: `${type}-1`,
  type,
  occurredAt: '2026-03-10T09:00:00.000Z',
  subject: member,
  payload,
  ...extra,
});
const alertId = 'a1';

describe('care timeline evolve', () => {
  const medication = event('MedicationChanged', {
    medicationId: 'm1',
    change: 'started',
    rxnormIngredient: '36437',
    classes: ['ssri'],
    classified: true,
    prescriberId: 'clin_1',
    changedAt: '2026-03-10T09:00:00.000Z',
  });

  it('shows the care team the drug and the facilitator only what to watch for', () => {
    const [entry] = evolve([], medication);
    expect(viewOf(entry!, { role: 'clinician' }).title).toBe('Medication started: sertraline (ssri)');
    const facilitator = viewOf(entry!, { role: 'facilitator', consentToShareMedication: false });
    expect(facilitator.title).toBe('Medication change: watch for activation');
    expect(JSON.stringify(facilitator)).not.toMatch(/sertraline|36437|ssri/);
    expect(facilitator.redacted).toBe(true);
    expect(viewOf(entry!, { role: 'facilitator', consentToShareMedication: true }).title).toContain('sertraline');
  });

  it('keeps an alert’s lifecycle on the entry that raised it, and a redelivery changes nothing', () => {
    const raised = event('CoordinationAlertRaised', {
      alertId,
      rule: 'antidepressant-change',
      severity: 'critical',
      recipientRole: 'attending-psychiatrist',
      raisedAt: '2026-03-10T09:00:00.000Z',
    });
    const acknowledged = event('AlertAcknowledged', {
      alertId,
      outcome: 'accepted',
      acknowledgedAt: '2026-03-10T09:10:00.000Z',
    });
    const resolved = event('AlertResolved', { alertId, resolvedAt: '2026-03-11T09:00:00.000Z' });
    let entries = [raised, acknowledged, resolved].reduce<TimelineEntry[]>(
      (timeline, next) => evolve(timeline, next),
      [],
    );
    entries = evolve(entries, acknowledged);
    const alert = entries.find((entry) => entry.type === 'CoordinationAlertRaised')?.alert;
    expect(alert).toEqual({
      alertId,
      status: 'resolved',
      steps: [
        { state: 'raised', at: '2026-03-10T09:00:00.000Z' },
        { state: 'acknowledged', at: '2026-03-10T09:10:00.000Z' },
        { state: 'resolved', at: '2026-03-11T09:00:00.000Z' },
      ],
    });
    expect(entries).toHaveLength(3);
  });

  it('puts a group’s session on each current member’s timeline, oldest first', () => {
    const session = event(
      'SessionScheduled',
      { groupId: 'grp_a', sequence: 2, startsAt: '2026-03-17T18:00:00Z' },
      { subject: 'grp_a' },
    );
    const entries = evolve([], session, { groupMembers: [member, 'mbr_unit_000002'] });
    expect(entries.map((entry) => [entry.memberId, entry.kind])).toEqual([
      [member, 'session'],
      ['mbr_unit_000002', 'session'],
    ]);
    expect(
      evolve([], event('GroupFormed', { groupId: 'grp_a', facilitatorIds: ['fac_1'] }, { subject: 'grp_a' })),
    ).toEqual([]);
    expect(evolve([], event('SomethingNew', {}))).toEqual([]);
  });

  it('dates attendance by its session, not by when the sheet was saved', () => {
    const [entry] = evolve(
      [],
      event('AttendanceRecorded', {
        memberId: member,
        groupId: 'grp_1',
        sessionId: 's1',
        sessionStartsAt: '2026-02-03T18:00:00.000Z',
        status: 'attended-in-person',
        sessionsAttended: 1,
        recordedAt: '2026-03-10T09:00:00.000Z',
      }),
    );
    expect(entry!.at).toBe('2026-02-03T18:00:00.000Z');
  });

  it('records the medication-sharing consent as a consent entry, once per change', () => {
    const sharing = (share: boolean, id: string) =>
      event(
        'MedicationSharingWithFacilitatorChanged',
        { shareMedicationDetailsWithFacilitator: share, changedAt: '2026-03-12T09:00:00.000Z' },
        { eventId: id },
      );
    expect(evolve([], sharing(true, 's1')).map((entry) => [entry.kind, entry.title])).toEqual([
      ['consent', 'Medication details shared with facilitators'],
    ]);
    expect(evolve([], sharing(false, 's2'), { groupMembers: [], medicationSharingBefore: true })[0]?.title).toBe(
      'Medication details no longer shared with facilitators',
    );
    expect(evolve([], sharing(true, 's3'), { groupMembers: [], medicationSharingBefore: true })).toEqual([]);
  });
});
