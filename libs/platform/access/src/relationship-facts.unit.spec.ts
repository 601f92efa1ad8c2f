import { fixtures, type IntegrationEvent } from '@carecircle/contracts';
import { isRelationshipSource, relationshipFactsOf } from './relationship-facts';

describe('relationship facts from integration events', () => {
  it('grants care-team access from clinician-liaison’s care-team events only, with the planned end', () => {
    expect(relationshipFactsOf(fixtures.CareTeamMemberAssigned)).toEqual([
      {
        kind: 'care-team',
        memberId: 'mbr_synthetic_0001',
        clinicianId: 'clin_synthetic_psy_01',
        role: 'attending-psychiatrist',
        present: true,
        activeUntil: '2026-09-01T00:00:00.000Z',
      },
    ]);
    expect(relationshipFactsOf(fixtures.CareTeamMemberEnded)).toEqual([
      {
        kind: 'care-team',
        memberId: 'mbr_synthetic_0001',
        clinicianId: 'clin_synthetic_psy_01',
        role: 'attending-psychiatrist',
        present: false,
        activeUntil: null,
      },
    ]);
  });

  it('never grants access from who prescribed, referred or received an alert (the escalation path)', () => {
    for (const type of [
      'MedicationChanged',
      'ReferralReceived',
      'CoordinationAlertRaised',
      'AlertEscalated',
      'CareTeamUpdated',
    ] as const) {
      expect(relationshipFactsOf((fixtures as Record<string, IntegrationEvent>)[type]!)).toEqual([]);
      expect(isRelationshipSource(type)).toBe(false);
    }
  });

  it('follows facilitators, enrolments and withdrawals, and emergency access', () => {
    expect(relationshipFactsOf(fixtures.GroupFormed)).toEqual([
      {
        kind: 'group-facilitators',
        groupId: fixtures.GroupFormed.payload.groupId,
        facilitatorIds: fixtures.GroupFormed.payload.facilitatorIds,
      },
    ]);
    expect(relationshipFactsOf(fixtures.MemberEnrolled)).toMatchObject([
      { kind: 'group-member', present: true, memberId: fixtures.MemberEnrolled.subject },
    ]);
    expect(relationshipFactsOf(fixtures.MemberWithdrew)).toMatchObject([{ kind: 'group-member', present: false }]);
    expect(relationshipFactsOf(fixtures.EmergencyAccessOpened)).toEqual([
      {
        kind: 'emergency-access',
        memberId: 'mbr_synthetic_0001',
        clinicianId: 'clin_synthetic_er_01',
        expiresAt: '2026-03-10T13:00:00.000Z',
      },
    ]);
  });

  it('throws on a malformed source event rather than grant access on a guess', () => {
    const { clinicianId: _dropped, ...payload } = fixtures.CareTeamMemberAssigned.payload;
    expect(() => relationshipFactsOf({ ...fixtures.CareTeamMemberAssigned, payload })).toThrow(/clinicianId/);
  });
});
