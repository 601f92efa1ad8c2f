import { evolveRosterEntry, type RosterFact } from './roster-entry';

const enrolled: RosterFact = {
  type: 'MemberEnrolled',
  memberId: 'mbr_a1b2c3',
  groupId: 'grp_1',
  memberRole: 'caregiver',
  enrolledAt: '2026-03-09T10:00:00.000Z',
};
const withdrew: RosterFact = {
  type: 'MemberWithdrew',
  memberId: 'mbr_a1b2c3',
  groupId: 'grp_1',
  withdrewAt: '2026-04-20T10:00:00.000Z',
};

describe('roster entry', () => {
  it('puts an enrolled member on the roster', () => {
    expect(evolveRosterEntry(null, enrolled)).toEqual({
      groupId: 'grp_1',
      memberId: 'mbr_a1b2c3',
      memberRole: 'caregiver',
      status: 'enrolled',
      enrolledAt: '2026-03-09T10:00:00.000Z',
      withdrawnAt: null,
    });
  });

  it('marks a withdrawal without forgetting when the member joined', () => {
    expect(evolveRosterEntry(evolveRosterEntry(null, enrolled), withdrew)).toMatchObject({
      status: 'withdrawn',
      enrolledAt: '2026-03-09T10:00:00.000Z',
      withdrawnAt: '2026-04-20T10:00:00.000Z',
    });
  });

  it('ignores a withdrawal of someone who was never on the roster', () => {
    expect(evolveRosterEntry(null, withdrew)).toBeNull();
  });

  it('gives the same entry when the same fact is applied again', () => {
    const once = evolveRosterEntry(null, enrolled);
    expect(evolveRosterEntry(once, enrolled)).toEqual(once);
  });
});
