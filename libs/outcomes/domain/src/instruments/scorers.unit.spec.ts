import { defaultOutcomesConfig as config, type Instrument, type MeasureInput } from './instrument';
import { scoreMeasure } from './scorers';

const answers = (...values: (number | null)[]): MeasureInput => ({ kind: 'answers', answers: values });
const repeat = (count: number, value: number) => Array.from({ length: count }, () => value);
const score = (instrument: Instrument, input: MeasureInput) => scoreMeasure(instrument, input, config);

describe('instrument scorers (published scoring rules, worked examples)', () => {
  describe('PHQ-9 (Kroenke, Spitzer & Williams 2001: sum of 9 items 0-3; 5/10/15/20 cut-offs)', () => {
    it.each([
      [[0, 0, 1, 0, 1, 0, 0, 1, 0], 3, 'minimal'],
      [[1, 1, 1, 1, 1, 0, 0, 0, 0], 5, 'mild'],
      [[3, 3, 2, 2, 1, 1, 1, 1, 0], 14, 'moderate'],
      [[2, 2, 2, 2, 2, 2, 2, 1, 0], 15, 'moderately-severe'],
      [[3, 3, 3, 3, 3, 3, 3, 3, 3], 27, 'severe'],
    ])('%j scores %i (%s)', (items, total, band) => {
      expect(score('phq-9', answers(...items))).toMatchObject({ total, band });
    });

    it('surfaces item 9 on its own', () => {
      expect(score('phq-9', answers(1, 1, 1, 1, 1, 1, 1, 1, 2))).toEqual({ total: 10, band: 'moderate', item9: 2 });
    });

    it('accepts a total where only the total is known, with item 9 if reported', () => {
      expect(score('phq-9', { kind: 'total', total: 12, item9: 1 })).toEqual({ total: 12, band: 'moderate', item9: 1 });
      expect(score('phq-9', { kind: 'total', total: 12 })).toEqual({ total: 12, band: 'moderate', item9: null });
    });

    it('names the unanswered item', () => {
      expect(score('phq-9', answers(1, 1, 1, null, 1, 1, 1, 1, 0))).toMatchObject({
        code: 'outcomes.item-missing',
        field: 'answers[3]',
        message: expect.stringMatching(/item 4 /),
      });
    });

    it('names the out-of-range item', () => {
      expect(score('phq-9', answers(1, 1, 1, 1, 1, 1, 4, 1, 0))).toMatchObject({
        code: 'outcomes.item-out-of-range',
        field: 'answers[6]',
        message: expect.stringMatching(/item 7 .*0 to 3/),
      });
    });

    it('refuses a wrong number of answers and an impossible total', () => {
      expect(score('phq-9', answers(1, 1))).toMatchObject({ code: 'outcomes.wrong-item-count', field: 'answers' });
      expect(score('phq-9', { kind: 'total', total: 28 })).toMatchObject({
        code: 'outcomes.total-out-of-range',
        field: 'total',
      });
    });
  });

  describe('GAD-7 (Spitzer et al. 2006: sum of 7 items 0-3; 5/10/15)', () => {
    it.each([
      [[0, 1, 0, 1, 0, 1, 0], 3, 'minimal'],
      [[2, 2, 2, 1, 1, 1, 1], 10, 'moderate'],
      [[3, 3, 3, 2, 2, 2, 0], 15, 'severe'],
    ])('%j scores %i (%s)', (items, total, band) => {
      expect(score('gad-7', answers(...items))).toEqual({ total, band, item9: null });
    });
  });

  describe('PCL-5 (Weathers et al. 2013: 20 items 0-4, sum 0-80; provisional PTSD from 31)', () => {
    it('scores below and above the provisional cut-off', () => {
      expect(score('pcl-5', answers(...repeat(20, 1)))).toMatchObject({ total: 20, band: 'below-threshold' });
      expect(score('pcl-5', answers(...repeat(10, 3), ...repeat(10, 0)))).toMatchObject({
        total: 30,
        band: 'below-threshold',
      });
      expect(score('pcl-5', answers(...repeat(10, 3), 1, ...repeat(9, 0)))).toMatchObject({
        total: 31,
        band: 'provisional-ptsd',
      });
    });
    it('names item 20 when it is out of range', () => {
      expect(score('pcl-5', answers(...repeat(19, 1), 5))).toMatchObject({
        field: 'answers[19]',
        message: expect.stringMatching(/item 20 /),
      });
    });
  });

  describe('ZBI-22 (Zarit: 22 items 0-4, sum 0-88; 21/41/61)', () => {
    it.each([
      [0, 0, 'little-or-none'],
      [1, 22, 'mild-moderate'],
      [2, 44, 'moderate-severe'],
      [3, 66, 'severe'],
    ])('every item %i scores %i (%s)', (value, total, band) => {
      expect(score('zbi-22', answers(...repeat(22, value)))).toMatchObject({ total, band });
    });
  });

  describe('WHOQOL-BREF (WHO 1996 manual: items 3, 4, 26 reversed; domain = mean × 4 → (raw - 4) × 100/16)', () => {
    it('scores every answer 3 as 50 in every domain (raw 12 → 50 in the manual table)', () => {
      expect(score('whoqol-bref', answers(...repeat(26, 3)))).toEqual({
        total: 50,
        band: 'not-banded',
        item9: null,
        domains: { physical: 50, psychological: 50, social: 50, environment: 50 },
      });
    });

    it('reverses items 3, 4 and 26: answering them 1 and the rest 5 is the best quality of life', () => {
      const items = repeat(26, 5);
      items[2] = 1;
      items[3] = 1;
      items[25] = 1;
      expect(score('whoqol-bref', answers(...items))).toMatchObject({
        total: 100,
        domains: { physical: 100, psychological: 100, social: 100, environment: 100 },
      });
    });

    it('transforms a mixed physical domain (items 3,4,10,15-18) on the 0-100 scale', () => {
      const items = repeat(26, 3);
      [items[2], items[3], items[9], items[14], items[15], items[16], items[17]] = [2, 2, 4, 4, 4, 4, 4];
      // reversed 3 and 4 → 4; mean 4 → raw 16 → (16 - 4) × 100/16 = 75
      expect(score('whoqol-bref', answers(...items))).toMatchObject({ domains: { physical: 75, psychological: 50 } });
    });

    it('needs every item; names item 1 when it is 0 (scale 1-5)', () => {
      expect(score('whoqol-bref', answers(0, ...repeat(25, 3)))).toMatchObject({
        field: 'answers[0]',
        message: expect.stringMatching(/item 1 .*1 to 5/),
      });
      expect(score('whoqol-bref', { kind: 'total', total: 50 })).toMatchObject({ code: 'outcomes.input-mismatch' });
    });
  });

  describe('FACT-G v4 (27 items 0-4; GP1-7 and GE1, GE3-6 reversed; total 0-108)', () => {
    it('scores every answer 0 as 48 (reversed physical 28 + reversed emotional 20)', () => {
      expect(score('fact-g', answers(...repeat(27, 0)))).toMatchObject({ total: 48, band: 'not-banded' });
    });
    it('scores every answer 4 as 60 (social 28 + GE2 4 + functional 28)', () => {
      expect(score('fact-g', answers(...repeat(27, 4)))).toMatchObject({ total: 60 });
    });
    it('reaches 108 with the best answer to every item', () => {
      const best = [...repeat(7, 0), ...repeat(7, 4), 0, 4, 0, 0, 0, 0, ...repeat(7, 4)];
      expect(score('fact-g', answers(...best))).toMatchObject({ total: 108 });
    });
  });

  describe('opioid MME/day (CDC conversion factors)', () => {
    it('oxycodone 30 mg/day is 45 MME (CDC worked example: 10 mg three times a day × 1.5)', () => {
      expect(
        score('opioid-mme', { kind: 'medications', medications: [{ opioid: 'oxycodone', dailyDose: 30 }] }),
      ).toEqual({ total: 45, band: 'below-50', item9: null });
    });
    it('fentanyl patch 25 mcg/h is 60 MME; with hydrocodone 40 mg/day it reaches 100', () => {
      expect(
        score('opioid-mme', { kind: 'medications', medications: [{ opioid: 'fentanyl-patch', dailyDose: 25 }] }),
      ).toMatchObject({ total: 60, band: '50-to-89' });
      expect(
        score('opioid-mme', {
          kind: 'medications',
          medications: [
            { opioid: 'fentanyl-patch', dailyDose: 25 },
            { opioid: 'hydrocodone', dailyDose: 40 },
          ],
        }),
      ).toMatchObject({ total: 100, band: '90-or-more' });
    });
    it('names the medication with an impossible dose or no conversion factor', () => {
      expect(
        score('opioid-mme', {
          kind: 'medications',
          medications: [
            { opioid: 'tramadol', dailyDose: 100 },
            { opioid: 'codeine', dailyDose: -1 },
          ],
        }),
      ).toMatchObject({
        field: 'medications[1].dailyDose',
      });
      expect(
        score('opioid-mme', { kind: 'medications', medications: [{ opioid: 'aspirin' as never, dailyDose: 1 }] }),
      ).toMatchObject({ field: 'medications[0].opioid' });
      expect(score('opioid-mme', answers(1))).toMatchObject({ code: 'outcomes.input-mismatch' });
    });
  });

  it('takes thresholds from configuration', () => {
    expect(
      scoreMeasure('pcl-5', answers(...repeat(8, 4), ...repeat(12, 0)), { ...config, pcl5ProvisionalPtsd: 33 }),
    ).toMatchObject({ total: 32, band: 'below-threshold' });
  });
});
