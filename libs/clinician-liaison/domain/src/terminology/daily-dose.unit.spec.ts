import { administrationsPerDay, dailyDoseOf, publishedDailyDose, TIMING_CODES_PER_DAY } from './daily-dose';

const mg = (value: number) => ({ value, unit: 'mg' });

describe('daily dose from a FHIR dosage', () => {
  it('oxycodone 30 mg every 6 h (timing.repeat) is 120 mg/day', () => {
    expect(dailyDoseOf(mg(30), { frequency: 1, period: 6, periodUnit: 'h' })).toEqual({
      kind: 'known',
      dailyDose: 120,
      doseUnit: 'mg/day',
      frequency: '1 per 6 h (4/day)',
    });
  });

  it('reads every timing.repeat form: frequency per day, per week, a missing frequency as 1, the PRN maximum', () => {
    expect(dailyDoseOf(mg(10), { frequency: 3, period: 1, periodUnit: 'd' })).toMatchObject({ dailyDose: 30 });
    expect(dailyDoseOf(mg(70), { frequency: 1, period: 1, periodUnit: 'wk' })).toMatchObject({ dailyDose: 10 });
    expect(dailyDoseOf(mg(5), { period: 4, periodUnit: 'h' })).toMatchObject({ dailyDose: 30 });
    expect(dailyDoseOf(mg(5), { frequency: 1, frequencyMax: 2, period: 1, periodUnit: 'd' })).toMatchObject({
      dailyDose: 10,
    });
    expect(dailyDoseOf(mg(1), { frequency: 1, period: 30, periodUnit: 'min' })).toMatchObject({ dailyDose: 48 });
  });

  it.each(Object.entries({ QD: 1, BID: 2, TID: 3, QID: 4, Q4H: 6, Q6H: 4, Q8H: 3, Q12H: 2, QOD: 0.5 }))(
    'reads timing.code %s as %d a day',
    (code, perDay) => {
      expect(TIMING_CODES_PER_DAY[code]).toBe(perDay);
      expect(dailyDoseOf(mg(10), { code })).toMatchObject({
        kind: 'known',
        dailyDose: 10 * perDay,
        doseUnit: 'mg/day',
      });
      expect(dailyDoseOf(mg(10), { code: code.toLowerCase() })).toMatchObject({ dailyDose: 10 * perDay });
    },
  );

  it('prefers timing.repeat, and falls back to the code when the repeat is unusable', () => {
    expect(dailyDoseOf(mg(10), { frequency: 2, period: 1, periodUnit: 'd', code: 'QID' })).toMatchObject({
      dailyDose: 20,
    });
    expect(dailyDoseOf(mg(10), { frequency: 2, code: 'QID' })).toMatchObject({ dailyDose: 40 });
  });

  it('converts mass units to mg, and reads a fentanyl patch as its rate in mcg/h', () => {
    expect(dailyDoseOf({ value: 500, unit: 'ug' }, { code: 'BID' })).toMatchObject({
      dailyDose: 1,
      doseUnit: 'mg/day',
    });
    expect(dailyDoseOf({ value: 1, unit: 'g' }, { code: 'QD' })).toMatchObject({ dailyDose: 1000 });
    expect(
      dailyDoseOf({ value: 25, unit: 'ug/h' }, { frequency: 1, period: 72, periodUnit: 'h' }, { ratePerHour: true }),
    ).toEqual({ kind: 'known', dailyDose: 25, doseUnit: 'mcg/h', frequency: 'continuous' });
  });

  it('says why when the daily dose cannot be known, keeping what was sent', () => {
    expect(dailyDoseOf(undefined, { code: 'BID' })).toEqual({
      kind: 'unknown',
      reason: 'no-dose',
      doseUnit: 'unknown',
      frequency: 'BID (2/day)',
    });
    expect(dailyDoseOf({ value: 1, unit: 'tablet' }, { code: 'BID' })).toEqual({
      kind: 'unknown',
      reason: 'dose-unit',
      doseUnit: '1 tablet per dose',
      frequency: 'BID (2/day)',
    });
    expect(dailyDoseOf(mg(30), undefined)).toEqual({
      kind: 'unknown',
      reason: 'no-timing',
      doseUnit: '30 mg per dose',
      frequency: 'unknown',
    });
    expect(dailyDoseOf(mg(30), { code: 'AFTER-MEALS' })).toMatchObject({
      kind: 'unknown',
      reason: 'timing-unreadable',
    });
    expect(dailyDoseOf(mg(30), { frequency: 1, period: 6, periodUnit: 'fortnight' })).toMatchObject({
      kind: 'unknown',
      reason: 'timing-unreadable',
    });
    expect(dailyDoseOf(mg(30), { frequency: 1, period: 0, periodUnit: 'h' })).toMatchObject({
      kind: 'unknown',
      reason: 'timing-unreadable',
    });
    expect(dailyDoseOf(mg(25), { code: 'QD' }, { ratePerHour: true })).toMatchObject({
      kind: 'unknown',
      reason: 'dose-unit',
    });
    expect(administrationsPerDay({})).toBe('none');
  });
});

describe('the daily dose other services learn', () => {
  it('publishes a known dose in mg/day or mcg/h, the REST route’s mg as mg/day', () => {
    expect(publishedDailyDose({ dailyDose: 50, doseUnit: 'mg/day' })).toEqual({ dailyDose: 50, doseUnit: 'mg/day' });
    expect(publishedDailyDose({ dailyDose: 100, doseUnit: 'mg' })).toEqual({ dailyDose: 100, doseUnit: 'mg/day' });
    expect(publishedDailyDose({ dailyDose: 25, doseUnit: 'mcg/h' })).toEqual({ dailyDose: 25, doseUnit: 'mcg/h' });
    expect(publishedDailyDose({ dailyDose: 12, doseUnit: 'ug/h' })).toEqual({ dailyDose: 12, doseUnit: 'mcg/h' });
  });

  it('publishes nulls for an unknown dose or any other unit: the order’s text stays here', () => {
    const none = { dailyDose: null, doseUnit: null };
    expect(publishedDailyDose({ dailyDose: null, doseUnit: '1 tablet per dose' })).toEqual(none);
    expect(publishedDailyDose({ dailyDose: 2, doseUnit: 'tablet' })).toEqual(none);
    expect(publishedDailyDose({ dailyDose: Number.NaN, doseUnit: 'mg/day' })).toEqual(none);
    expect(publishedDailyDose({ dailyDose: 50, doseUnit: 'unknown' })).toEqual(none);
  });
});
