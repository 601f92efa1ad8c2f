import { displayNameOf, staffIdsActing } from './care-console.names';

describe('the name a console reader sees for a person', () => {
  it('prefers the usual name, then the official one; old names last', () => {
    expect(
      displayNameOf({
        name: [
          { use: 'old', given: ['Maria'], family: 'Lopez' },
          { use: 'official', given: ['Maria', 'Elena'], family: 'Garcia' },
          { use: 'usual', given: ['Lena'], family: 'Garcia' },
        ],
      }),
    ).toBe('Lena Garcia');
    expect(
      displayNameOf({
        name: [
          { use: 'old', text: 'Old' },
          { given: ['Sam'], family: 'Okafor' },
        ],
      }),
    ).toBe('Sam Okafor');
  });

  it('takes the text as written, trims parts, and is undefined without any name', () => {
    expect(displayNameOf({ name: [{ text: '  Dr. Ines Brandt ', family: 'ignored' }] })).toBe('Dr. Ines Brandt');
    expect(displayNameOf({ name: [{ given: [' Ana ', ''], family: ' Ruiz' }] })).toBe('Ana Ruiz');
    expect(displayNameOf({ name: [{ use: 'usual' }] })).toBeUndefined();
    expect(displayNameOf({})).toBeUndefined();
    expect(displayNameOf(undefined)).toBeUndefined();
    expect(displayNameOf({ name: 'not a list' })).toBeUndefined();
  });

  it('lists each staff id that acknowledged or resolved once', () => {
    expect(
      staffIdsActing([
        { acknowledged: { by: 'clin_a' }, resolved: { by: 'fac_b' } },
        { acknowledged: { by: 'clin_a' }, resolved: null },
        { acknowledged: { by: null } },
      ]),
    ).toEqual(['clin_a', 'fac_b']);
  });
});
