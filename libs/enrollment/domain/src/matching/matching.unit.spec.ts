import type { PlacementCandidate } from '../referral/referral.decider';
import { isNextCourseOf, matchGroups, redirectPlacement, type CatalogueGroup } from './matching';

const now = new Date('2026-03-02T09:00:00Z');
const candidate: PlacementCandidate = {
  referralId: 'ref-1',
  memberId: 'mbr_synthetic_0001',
  memberRole: 'patient',
  age: 54,
  wantedGroupType: 'disease-specific',
  wantedCondition: 'cancer',
  modalityPreference: 'online',
  constraints: {},
};
const base: CatalogueGroup = {
  groupId: 'grp_a',
  groupType: 'disease-specific',
  condition: 'cancer',
  seats: 10,
  openness: 'open',
  modality: 'online',
  cadence: 'weekly',
  ageBand: { min: 18, max: 99 },
  facilitatorIds: ['fac_01'],
  firstSessionAt: '2026-03-10T17:00:00.000Z',
  closed: false,
};
const g = (overrides: Partial<CatalogueGroup>) => ({ ...base, ...overrides });

describe('matching', () => {
  it('ranks groups with free seats and the preferred modality first, with reasons', () => {
    const result = matchGroups(
      candidate,
      [
        { group: g({ groupId: 'grp_hybrid', modality: 'hybrid' }), freeSeats: 3 },
        { group: g({ groupId: 'grp_full' }), freeSeats: 0 },
        { group: g({ groupId: 'grp_online' }), freeSeats: 2 },
      ],
      now,
    );
    expect(result.proposals.map((p) => [p.groupId, p.placement])).toEqual([
      ['grp_online', 'enrol'],
      ['grp_hybrid', 'enrol'],
      ['grp_full', 'waitlist'],
    ]);
    expect(result.proposals[0]!.reasons).toContain('2 of 10 seats free.');
    expect(result.proposals[2]!.reasons.join(' ')).toMatch(/waitlist/);
  });

  it('excludes closed groups that started, other types and conditions, age bands and the wrong modality, saying why', () => {
    const result = matchGroups(
      candidate,
      [
        {
          group: g({ groupId: 'grp_started', openness: 'closed', firstSessionAt: '2026-02-01T17:00:00.000Z' }),
          freeSeats: 4,
        },
        {
          group: g({ groupId: 'grp_general', groupType: 'general-emotional-support', condition: undefined }),
          freeSeats: 4,
        },
        { group: g({ groupId: 'grp_teens', ageBand: { min: 13, max: 17 } }), freeSeats: 4 },
        { group: g({ groupId: 'grp_in_person', modality: 'in-person' }), freeSeats: 4 },
        { group: g({ groupId: 'grp_closed', closed: true }), freeSeats: 4 },
      ],
      now,
    );
    expect(result.proposals).toEqual([]);
    const why = Object.fromEntries(result.excluded.map((e) => [e.groupId, e.reasons.join(' ')]));
    expect(why['grp_started']).toMatch(/already started/);
    expect(why['grp_general']).toMatch(/general-emotional-support/);
    expect(why['grp_teens']).toMatch(/outside the group's 13-17 band/);
    expect(why['grp_in_person']).toMatch(/meets in-person/);
    expect(why['grp_closed']).toMatch(/closed/);
  });

  it('keeps a not-yet-started closed group open for placement', () => {
    expect(matchGroups(candidate, [{ group: g({ openness: 'closed' }), freeSeats: 1 }], now).proposals).toHaveLength(1);
  });

  it('honours the severe-anxiety constraint: small, low-frequency groups only', () => {
    const anxious = {
      ...candidate,
      constraints: { maxGroupSeats: 8, allowedCadences: ['biweekly' as const, 'monthly' as const] },
    };
    const result = matchGroups(
      anxious,
      [
        { group: g({ groupId: 'grp_big', seats: 12, cadence: 'biweekly' }), freeSeats: 5 },
        { group: g({ groupId: 'grp_weekly', seats: 6, cadence: 'weekly' }), freeSeats: 5 },
        { group: g({ groupId: 'grp_small', seats: 6, cadence: 'monthly' }), freeSeats: 5 },
      ],
      now,
    );
    expect(result.proposals.map((p) => p.groupId)).toEqual(['grp_small']);
    expect(result.excluded.find((e) => e.groupId === 'grp_big')!.reasons.join(' ')).toMatch(/at most 8 members/);
    expect(result.excluded.find((e) => e.groupId === 'grp_weekly')!.reasons.join(' ')).toMatch(/biweekly or monthly/);
  });

  describe('a group that takes nobody new', () => {
    const started = g({
      groupId: 'grp_closed_started',
      openness: 'closed',
      firstSessionAt: '2026-02-01T17:00:00.000Z',
    });
    const next = g({ groupId: 'grp_closed_next', openness: 'closed', firstSessionAt: '2026-04-06T17:00:00.000Z' });
    const later = g({ groupId: 'grp_closed_later', openness: 'closed', firstSessionAt: '2026-06-01T17:00:00.000Z' });
    const open = g({ groupId: 'grp_open' });
    const free = (...groups: CatalogueGroup[]) => groups.map((group) => ({ group, freeSeats: 3 }));

    it('admits: no redirect for an open group, a closed one not yet started', () => {
      expect(redirectPlacement(candidate, open, free(open), now)).toBeUndefined();
      expect(redirectPlacement(candidate, next, free(next), now)).toBeUndefined();
    });

    it('offers the earliest next course of a closed group that has started, before any other group', () => {
      expect(redirectPlacement(candidate, started, free(started, open, later, next), now)).toEqual({
        kind: 'next-course',
        groupId: 'grp_closed_next',
        placement: 'enrol',
        reason: 'closed-group-started',
      });
      expect(redirectPlacement(candidate, started, [{ group: next, freeSeats: 0 }], now)).toMatchObject({
        kind: 'next-course',
        placement: 'waitlist',
      });
    });

    it('a next course is the same kind, openness and modality, a shared facilitator, starting later', () => {
      expect(isNextCourseOf(started, next)).toBe(true);
      expect(isNextCourseOf(next, started)).toBe(false);
      for (const other of [
        g({ ...next, facilitatorIds: ['fac_02'] }),
        g({ ...next, modality: 'in-person' }),
        g({ ...next, condition: 'sarcoma' }),
        g({ ...next, openness: 'open' }),
      ]) {
        expect(isNextCourseOf(started, other)).toBe(false);
      }
    });

    it("else another group that fits (a seat first), else the started group's waitlist for its next course, with the reason", () => {
      expect(redirectPlacement(candidate, started, free(started, open), now)).toEqual({
        kind: 'other-group',
        groupId: 'grp_open',
        placement: 'enrol',
        reason: 'closed-group-started',
      });
      const misfits = free(
        started,
        g({ groupId: 'grp_sarcoma', condition: 'sarcoma' }),
        g({ groupId: 'grp_young', ageBand: { min: 18, max: 30 } }),
        g({ ...next, groupId: 'grp_gone', closed: true }),
      );
      expect(redirectPlacement(candidate, started, misfits, now)).toEqual({
        kind: 'waitlist-for-next-course',
        groupId: 'grp_closed_started',
        placement: 'waitlist',
        reason: 'closed-group-started',
      });
    });

    it('a group scheduling closed sends the member elsewhere, or nowhere (no waitlist on a closed group)', () => {
      const gone = g({ groupId: 'grp_gone', closed: true });
      expect(redirectPlacement(candidate, gone, free(gone, open), now)).toEqual({
        kind: 'other-group',
        groupId: 'grp_open',
        placement: 'enrol',
        reason: 'group-closed',
      });
      expect(redirectPlacement(candidate, gone, free(gone), now)).toEqual({ kind: 'none', reason: 'group-closed' });
    });
  });
});
