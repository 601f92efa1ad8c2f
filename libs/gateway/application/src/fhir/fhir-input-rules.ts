import type { FhirIssue } from './operation-outcome';

/** FHIR R4's `id` datatype: what a path id, `Resource.id` and the id in `Patient/<id>` must be. */
export const FHIR_ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

/** Keys that name no FHIR element and that JavaScript objects treat specially: refused wherever they occur. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function isFhirId(value: unknown): value is string {
  return typeof value === 'string' && FHIR_ID_PATTERN.test(value);
}

/** The issue for an element that is no FHIR id; names the element, never the value. */
export function invalidFhirId(expression: string): FhirIssue {
  return {
    severity: 'error',
    code: 'value',
    text: 'Not a valid FHIR id (1 to 64 letters, digits, "-" or ".")',
    expression,
  };
}

/** The FHIR type in a path (`/fhir/R4/<type>/…`) when it looks like one, for a FHIRPath; else `Resource`. */
export function fhirPathType(type: string | undefined): string {
  return type && /^[A-Z][A-Za-z]{1,63}$/.test(type) ? type : 'Resource';
}

/**
 * What the structure validation does not see: the ids of the resource and of its contained
 * resources (FHIR id rule), empty objects and arrays, and keys such as `__proto__` (no FHIR element
 * has them; @medplum/core lets them through). The resource's depth is bounded by the body parser, so the walk is shallow.
 */
export function fhirInputIssues(resource: object, at: string): FhirIssue[] {
  const issues: FhirIssue[] = [];
  const { id, contained } = resource as { id?: unknown; contained?: unknown };
  if (typeof id === 'string' && !isFhirId(id)) issues.push(invalidFhirId(`${at}.id`));
  if (Array.isArray(contained)) {
    contained.forEach((item: unknown, index) => {
      const containedId = (item as { id?: unknown } | null)?.id;
      if (typeof containedId === 'string' && !isFhirId(containedId))
        issues.push(invalidFhirId(`${at}.contained[${index}].id`));
    });
  }
  const walk = (value: unknown, path: string): void => {
    // FHIR elements have a value or children; @medplum/core skips `{}` and `[]` as if they were absent.
    const empty = Array.isArray(value)
      ? value.length === 0
      : !!value && typeof value === 'object' && Object.keys(value).length === 0;
    if (empty)
      issues.push({
        severity: 'error',
        code: 'structure',
        text: 'An empty element: FHIR elements have a value or children',
        expression: path,
      });
    if (Array.isArray(value)) return value.forEach((item: unknown, index) => walk(item, `${path}[${index}]`));
    if (!value || typeof value !== 'object') return;
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key))
        issues.push({
          severity: 'error',
          code: 'structure',
          text: 'A __proto__, constructor or prototype key, which no FHIR element has',
          expression: path,
        });
      else walk((value as Record<string, unknown>)[key], `${path}.${key}`);
    }
  };
  walk(resource, at);
  return issues;
}

/**
 * The id in a literal `Patient/<id>` reference (optionally `/_history/<version>`) is a FHIR id;
 * other references (`urn:uuid:`, `Patient?identifier=`, absolute URLs) are not judged here.
 */
export function isValidPatientReference(reference: string): boolean {
  if (!reference.startsWith('Patient/')) return true;
  const [id, history, version, ...rest] = reference.slice('Patient/'.length).split('/');
  if (rest.length > 0) return false;
  return isFhirId(id) && (history === undefined || (history === '_history' && isFhirId(version)));
}
