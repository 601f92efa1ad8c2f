import {
  clinicianLiaisonEvents,
  enrollmentEvents,
  fixtures,
  outcomesEvents,
  schedulingEvents,
} from '@carecircle/contracts';
import { evolve, TIMELINE_EVENT_TYPES, TIMELINE_KINDS } from '@carecircle/gateway/domain';

const consumed = [...enrollmentEvents, ...schedulingEvents, ...clinicianLiaisonEvents, ...outcomesEvents];
const GROUP_LEVEL = new Set(['GroupFormed', 'GroupChanged']);

describe('the timeline maps every event of the four services', () => {
  it('knows exactly the types the four topics carry', () => {
    expect([...TIMELINE_EVENT_TYPES].sort()).toEqual(consumed.map((definition) => definition.type).sort());
  });

  it.each(consumed.map((definition) => definition.type))(
    '%s (fixture) gives a titled entry of a known kind, or none for group-level facts',
    (type) => {
      const event = fixtures[type as keyof typeof fixtures];
      const entries = evolve([], event, { groupMembers: ['mbr_synthetic_0001'] });
      if (GROUP_LEVEL.has(type)) return expect(entries).toEqual([]);
      expect(entries).toHaveLength(1);
      expect(TIMELINE_KINDS).toContain(entries[0]?.kind);
      expect(entries[0]?.title.length).toBeGreaterThan(5);
      expect(entries[0]?.memberId).toBe('mbr_synthetic_0001');
    },
  );
});
