import { alertRecipientRolesShownTo, isShownTo } from './timeline.access';
import type { TimelineEntry } from './timeline-entry';

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
    expect([alertFor('facilitator'), alertFor('attending-psychiatrist')].map((entry) => isShownTo(entry, clinician))).toEqual([true, true]);
  });

  it('leaves entries that are not alerts alone', () => {
    expect(isShownTo({ ...alertFor('attending-psychiatrist'), kind: 'treatment' } as TimelineEntry, facilitator)).toBe(true);
  });
});
