import { bodyRejection, exceedsJsonDepth, JsonTooDeepError, rejectDeepJson } from './json-body-limits';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('exceedsJsonDepth', () => {
  it('counts objects and arrays as levels, and allows exactly the maximum', () => {
    expect(exceedsJsonDepth(bytes('{}'), 1)).toBe(false);
    expect(exceedsJsonDepth(bytes('{"a":[1]}'), 1)).toBe(true);
    expect(exceedsJsonDepth(bytes('{"a":[1]}'), 2)).toBe(false);
    expect(exceedsJsonDepth(bytes(nested(64)), 64)).toBe(false);
    expect(exceedsJsonDepth(bytes(nested(65)), 64)).toBe(true);
    expect(exceedsJsonDepth(bytes('[[1],[2],[3],{"a":1}]'), 2)).toBe(false);
    expect(exceedsJsonDepth(bytes('"just a string"'), 1)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included, and multi-byte characters', () => {
    expect(exceedsJsonDepth(bytes(JSON.stringify({ text: '[[[[{{{{' })), 1)).toBe(false);
    expect(exceedsJsonDepth(bytes(JSON.stringify({ text: 'say \\"[[[[\\" \\\\' })), 1)).toBe(false);
    expect(exceedsJsonDepth(bytes(JSON.stringify({ text: 'a\\', b: [[1]] })), 2)).toBe(true);
    expect(exceedsJsonDepth(bytes(JSON.stringify({ name: 'Zoë 名前 😀 ❴❵', list: ['ß'] })), 2)).toBe(false);
  });

  it('agrees with the depth JSON.parse builds, on JSON.stringify of generated values', () => {
    const depthOf = (value: unknown): number =>
      value && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value as object).map(depthOf)) : 0;
    const values: unknown[] = [{ a: [{ b: '}]' }, 2, [[['x"y']]]] }, [[[[[[]]]]]], { '[': { '{': '"' } }, []];
    for (const value of values) {
      const text = bytes(JSON.stringify(value));
      expect(exceedsJsonDepth(text, depthOf(value))).toBe(false);
      expect(exceedsJsonDepth(text, depthOf(value) - 1)).toBe(true);
    }
  });

  it('stops at the first level too many of a 50,000-deep body, and scans a 10 MB flat body in one linear pass', () => {
    expect(exceedsJsonDepth(bytes(nested(50_000)), 64)).toBe(true);
    const flat = bytes(
      JSON.stringify({
        items: Array.from({ length: 200_000 }, (_, i) => ({ id: `item-${i}`, text: 'lorem [ipsum] {dolor}' })),
      }),
    );
    expect(flat.length).toBeGreaterThan(10_000_000);
    const started = performance.now();
    expect(exceedsJsonDepth(flat, 64)).toBe(false);
    // A bound against accidental quadratic work, not a timing expectation (a linear scan takes tens of ms).
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('rejectDeepJson', () => {
  const verify = rejectDeepJson(3);

  it('throws a 400 that body-parser keeps, for UTF-8 and for UTF-16 bodies', () => {
    expect(() => verify({} as never, {}, bytes('[[[1]]]'), 'utf-8')).not.toThrow();
    expect(() => verify({} as never, {}, bytes('[[[[1]]]]'), 'utf-8')).toThrow(JsonTooDeepError);
    expect(() => verify({} as never, {}, Buffer.from('[[[[1]]]]', 'utf16le'), 'utf-16le')).toThrow(JsonTooDeepError);
    // U+227B's UTF-16LE bytes hold 0x7b ({): decoded first, it is no bracket.
    expect(() =>
      verify({} as never, {}, Buffer.from('["\u227b\u227b\u227b\u227b"]', 'utf16le'), 'utf-16le'),
    ).not.toThrow();
  });

  it('is answered as a 400 with the limit, a too large body as 413, and a parse error without the body', () => {
    expect(bodyRejection(new JsonTooDeepError(64))).toEqual({
      status: 400,
      reason: 'too-deep',
      message: 'The JSON body is nested deeper than 64 levels',
    });
    expect(bodyRejection({ type: 'entity.too.large', limit: 102_400 })).toMatchObject({
      status: 413,
      reason: 'too-large',
    });
    const parse = bodyRejection({ type: 'entity.parse.failed', message: 'Unexpected token J in {"name": Jane' });
    expect(parse).toEqual({ status: 400, reason: 'malformed', message: 'Malformed request body' });
    expect(bodyRejection(new Error('not about the body'))).toBeUndefined();
  });
});
