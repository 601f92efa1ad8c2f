import { DomainError, isDomainError } from './domain-error';

describe('isDomainError', () => {
  it('recognises a plain object from a pure domain library by its shape', () => {
    expect(isDomainError({ kind: 'domain-error', code: 'scheduling.group-full', category: 'conflict' })).toBe(true);
  });

  it('recognises the throwable base class', () => {
    expect(isDomainError(new DomainError('enrollment.consent-missing', 'Consent must be recorded first'))).toBe(true);
  });

  it.each([null, undefined, 'domain-error', new Error('x'), { kind: 'domain-error' }, { kind: 'other', code: 'x' }])(
    'rejects %p',
    (value) => {
      expect(isDomainError(value)).toBe(false);
    },
  );
});
