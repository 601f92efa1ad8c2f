import type { Medication } from '@carecircle/clinician-liaison/domain';
import { medicationList } from './member-medications';

const ESCITALOPRAM = { rxnormCode: '321988', name: 'escitalopram', dailyDose: 10, doseUnit: 'mg' };
const ssri = { ingredient: 'escitalopram', rxnormIngredient: '321988', atc: 'N06AB10', classes: ['ssri' as const] };
const medication = (medicationId: string, more: Partial<Medication>): Medication => ({
  ...ESCITALOPRAM,
  medicationId,
  route: 'oral',
  frequency: 'daily',
  prescriberId: 'clin_psy_01',
  classification: { status: 'classified', ...ssri, mmeFactor: null, serotonergicOpioid: false },
  status: 'active',
  startedAt: '2026-03-02T09:00:00.000Z',
  changedAt: '2026-03-02T09:00:00.000Z',
  ...more,
});

describe('a member’s medication list', () => {
  it('lists active medications first, the latest started first, with class and prescriber', () => {
    const list = medicationList({
      medications: {
        a: medication('a', { startedAt: '2026-01-01T00:00:00.000Z' }),
        b: medication('b', { status: 'stopped', startedAt: '2026-04-01T00:00:00.000Z' }),
        c: medication('c', {
          name: 'Zolpidem 10 MG Oral Tablet',
          rxnormCode: null,
          classification: { status: 'unclassified', terminologyVersion: 't1' },
          startedAt: '2026-02-01T00:00:00.000Z',
        }),
      },
    });
    expect(list.map((entry) => [entry.medicationId, entry.status])).toEqual([
      ['c', 'active'],
      ['a', 'active'],
      ['b', 'stopped'],
    ]);
    expect(list[1]).toEqual({
      ...ESCITALOPRAM,
      medicationId: 'a',
      ingredient: 'escitalopram',
      route: 'oral',
      frequency: 'daily',
      classes: ['ssri'],
      prescriberId: 'clin_psy_01',
      status: 'active',
      startedAt: '2026-01-01T00:00:00.000Z',
      changedAt: '2026-03-02T09:00:00.000Z',
    });
    expect(list[0]).toMatchObject({ ingredient: null, classes: [] });
  });
});
