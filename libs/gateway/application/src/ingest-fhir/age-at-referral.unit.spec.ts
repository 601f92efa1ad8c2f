import { ageInWholeYears } from './age-at-referral';

describe('age at referral, in whole years', () => {
  it('counts a year once the birthday is reached, not a day before', () => {
    expect(ageInWholeYears('1979-03-02', '2026-03-01')).toBe(46);
    expect(ageInWholeYears('1979-03-02', '2026-03-02')).toBe(47);
    expect(ageInWholeYears('1979-03-02', '2026-12-31')).toBe(47);
    expect(ageInWholeYears('2026-03-02', '2026-03-02')).toBe(0);
  });

  it('takes the local date the EHR wrote, whatever the offset, and a dateTime as its date', () => {
    expect(ageInWholeYears('1979-03-02', '2026-03-02T00:30:00+02:00')).toBe(47);
    expect(ageInWholeYears('1979-03-02', '2026-03-01T23:30:00-05:00')).toBe(46);
    expect(ageInWholeYears('1979-03-02', '2026-03-02T09:00:00.000Z')).toBe(47);
  });

  it('lets someone born on 29 February complete a year on 1 March outside leap years', () => {
    expect(ageInWholeYears('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageInWholeYears('2008-02-29', '2026-03-01')).toBe(18);
    expect(ageInWholeYears('2008-02-29', '2028-02-29')).toBe(20);
  });

  it('reads partial birth dates at their last possible day, so the age is never more than the real one', () => {
    // Born some day in 1970: 55 until the last day of the year could have passed.
    expect(ageInWholeYears('1970', '2026-06-15')).toBe(55);
    expect(ageInWholeYears('1970', '2026-12-31')).toBe(56);
    // Born some day in May 1970.
    expect(ageInWholeYears('1970-05', '2026-05-30')).toBe(55);
    expect(ageInWholeYears('1970-05', '2026-05-31')).toBe(56);
    expect(ageInWholeYears('1970-02', '2026-02-28')).toBe(56);
    // A partial reference date counts from its first day.
    expect(ageInWholeYears('1970-05-10', '2026')).toBe(55);
    expect(ageInWholeYears('1970-05-10', '2026-06')).toBe(56);
  });

  it('knows no age without two valid dates in order', () => {
    expect(ageInWholeYears(undefined, '2026-03-02')).toBeUndefined();
    expect(ageInWholeYears('1979-03-02', undefined)).toBeUndefined();
    expect(ageInWholeYears('1979-13-02', '2026-03-02')).toBeUndefined();
    expect(ageInWholeYears('1979-02-30', '2026-03-02')).toBeUndefined();
    expect(ageInWholeYears('not a date', '2026-03-02')).toBeUndefined();
    expect(ageInWholeYears('2026-03-03', '2026-03-02')).toBeUndefined();
    expect(ageInWholeYears('1850-01-01', '2026-03-02')).toBeUndefined();
  });
});
