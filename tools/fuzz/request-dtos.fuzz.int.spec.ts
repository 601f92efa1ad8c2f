import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BadRequestException, type Type } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import fc from 'fast-check';
import { createValidationPipe } from '@carecircle/platform/service-kit';

/**
 * Property-based fuzz of every class-validator request DTO of the services (found, not listed: a DTO
 * added later is fuzzed too): arbitrary JSON bodies through the services' real validation pipe give
 * either the DTO or a 400 with field errors, never another exception, and never echo a submitted value.
 */
const ROOT = join(__dirname, '../..');
const SEED = Number(process.env['FUZZ_SEED'] ?? 1764913130);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 200);
/** Every generated string value carries it, so an echo in an error is easy to see. */
const MARK = 'PHI§';

function requestDtos(): { name: string; dto: Type<unknown> }[] {
  const files = readdirSync(join(ROOT, 'apps'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.dto.ts') && !file.includes('.spec.'))
    .map((file) => join(ROOT, 'apps', file));
  const found: { name: string; dto: Type<unknown> }[] = [];
  for (const file of files) {
    const exports = require(file) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value !== 'function') continue;
      if (getMetadataStorage().getTargetValidationMetadatas(value, '', true, false).length === 0) continue;
      found.push({ name: `${relative(ROOT, file)}#${name}`, dto: value as Type<unknown> });
    }
  }
  return found;
}

const DTOS = requestDtos();
const FIELD_NAMES = [
  ...new Set(
    DTOS.flatMap(({ dto }) =>
      getMetadataStorage()
        .getTargetValidationMetadatas(dto, '', true, false)
        .map((m) => m.propertyName),
    ),
  ),
];

/** An object with these own entries, `__proto__` included as a plain key (as JSON.parse makes it). */
function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries)
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

const key = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...FIELD_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
const leaf = fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => `${MARK}${s}`),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => `${MARK}${s}`),
  fc
    .constantFrom(
      '2026-11-20T10:00:00Z',
      '2027-01-12',
      'Europe/Berlin',
      'https://video.example.test/x',
      'grp_demo',
      'mbr_demo_0001',
      'online',
      'patient',
      'weekly',
    )
    .map((s) => `${MARK}${s}`),
  fc.uuid().map((s) => `${MARK}${s}`),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(`${MARK}${'x'.repeat(100_000)}`),
);
const { value } = fc.letrec<{ value: unknown; object: Record<string, unknown>; array: unknown[] }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('object'), tie('array')),
  object: fc.array(fc.tuple(key, tie('value')), { maxLength: 8 }).map(objectOf),
  array: fc.array(tie('value'), { maxLength: 4 }),
}));
/** What express.json (strict) hands a handler: an object or an array, as JSON.parse builds it. */
const body = fc
  .oneof(
    { weight: 4, arbitrary: fc.array(fc.tuple(key, value), { maxLength: 12 }).map(objectOf) },
    { weight: 1, arbitrary: fc.array(value, { maxLength: 3 }) },
  )
  .map((v) => JSON.parse(JSON.stringify(v)) as unknown);

describe('every request DTO under arbitrary JSON (fast-check, the real validation pipe)', () => {
  const pipe = createValidationPipe();

  it('finds the services\u2019 request DTOs', () => {
    expect(DTOS.length).toBeGreaterThanOrEqual(15);
    for (const service of ['enrollment', 'scheduling', 'clinician-liaison', 'outcomes', 'gateway'])
      expect(DTOS.some((d) => d.name.startsWith(`apps/${service}/`))).toBe(true);
  });

  it.each(DTOS.map((d) => [d.name, d.dto] as const))(
    '%s: the DTO or a 400 with field errors, never an echo',
    async (_name, dto) => {
      await fc.assert(
        fc.asyncProperty(body, async (input) => {
          let result: unknown;
          try {
            result = await pipe.transform(input, { type: 'body', metatype: dto });
          } catch (error) {
            if (!(error instanceof BadRequestException)) throw error;
            const answer = error.getResponse() as {
              statusCode: number;
              errors: { field: string; constraints: string[] }[];
            };
            expect(answer.statusCode).toBe(400);
            expect(answer.errors.length).toBeGreaterThan(0);
            for (const fieldError of answer.errors) {
              expect(typeof fieldError.field).toBe('string');
              expect(fieldError.constraints.every((constraint) => typeof constraint === 'string')).toBe(true);
            }
            expect(JSON.stringify(answer)).not.toContain(MARK);
            return;
          }
          expect(result).toBeInstanceOf(dto);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    },
  );
});
