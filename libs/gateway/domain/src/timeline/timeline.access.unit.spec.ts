import { accessFactsOf, alertRecipientRolesShownTo, isShownTo, viewOf } from './timeline.access';
import { evolve } from './timeline.evolve';
import type { TimelineEntry, TimelineSourceEvent } from './timeline-entry';

const alertFor = (recipientRole: string): TimelineEntry =>
  ({
    memberId: 'mbr_synthetic_0001',
    sourceEventId: `alert-${recipientRole}`,
    at: '2026-03-10T09:00:00.000Z',
    kind: 'alert',
    type: 'CoordinationAlertRaised',
    title: 'Alert: antidepressant change',
    details: { recipientRole },
    facilitatorView: { title: 'Alert: antidepressant change', details: { recipientRole } },
  }) as unknown as TimelineEntry;

describe('which copies of an alert a timeline shows', () => {
  const facilitator = { role: 'facilitator', consentToShareMedication: false } as const;
  const clinician = { role: 'clinician' } as const;

  it('shows a facilitator their own copy only, not the care team’s again', () => {
    expect(alertRecipientRolesShownTo(facilitator)).toEqual(['facilitator']);
    expect(isShownTo(alertFor('facilitator'), facilitator)).toBe(true);
    expect(isShownTo(alertFor('attending-psychiatrist'), facilitator)).toBe(false);
  });

  it('shows the care team every copy, so they know who else was told', () => {
    expect(alertRecipientRolesShownTo(clinician)).toBeUndefined();
    expect(
      [alertFor('facilitator'), alertFor('attending-psychiatrist')].map((entry) => isShownTo(entry, clinician)),
    ).toEqual([true, true]);
  });

  it('leaves entries that are not alerts alone', () => {
    expect(isShownTo({ ...alertFor('attending-psychiatrist'), kind: 'treatment' } as TimelineEntry, facilitator)).toBe(
      true,
    );
  });
});

describe('the member’s consent to share medication details with facilitators', () => {
  const sharing = (share: boolean): TimelineSourceEvent => ({
    eventId: `sharing-${share}`,
    type: 'MedicationSharingWithFacilitatorChanged',
    occurredAt: '2026-03-10T09:00:00.000Z',
    subject: 'mbr_synthetic_0001',
    payload: { shareMedicationDetailsWithFacilitator: share, changedAt: '2026-03-10T09:00:00.000Z' },
  });
  const [medication] = evolve([], {
    eventId: 'med-1',
    type: 'MedicationChanged',
    occurredAt: '2026-03-10T09:00:00.000Z',
    subject: 'mbr_synthetic_0001',
    payload: {
      medicationId: 'm1',
      change: 'started',
      rxnormIngredient: '36437',
      classes: ['ssri'],
      classified: true,
      prescriberId: 'clin_1',
      changedAt: '2026-03-10T09:00:00.000Z',
    },
  }) as [TimelineEntry];

  it('is an access fact with the member’s current choice', () => {
    expect(accessFactsOf(sharing(true))).toEqual([
      { kind: 'medication-sharing', memberId: 'mbr_synthetic_0001', shareMedication: true },
    ]);
    expect(accessFactsOf(sharing(false))).toEqual([
      { kind: 'medication-sharing', memberId: 'mbr_synthetic_0001', shareMedication: false },
    ]);
  });

  it('lets a facilitator see the treatment entry in full once given, and only treatment entries', () => {
    const shared = viewOf(medication, { role: 'facilitator', consentToShareMedication: true });
    expect(shared).toMatchObject({ title: 'Medication started: sertraline (ssri)', redacted: false });
    expect(shared.details).toMatchObject({ drugName: 'sertraline', rxnormIngredient: '36437' });
    const withheld = viewOf(medication, { role: 'facilitator', consentToShareMedication: false });
    expect(withheld).toMatchObject({ title: 'Medication change: watch for activation', redacted: true });
    const score = {
      ...medication,
      kind: 'score',
      title: 'PHQ-9 recorded: 12',
      facilitatorView: { title: 'PHQ-9 recorded: 12', details: {} },
    } as TimelineEntry;
    expect(viewOf(score, { role: 'facilitator', consentToShareMedication: true }).details).toEqual({});
  });
});
