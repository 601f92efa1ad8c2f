import type { Bundle, Resource } from '@medplum/fhirtypes';
import { FhirRequestError, type FhirIssue } from '../fhir/operation-outcome';

/** The resource types the gateway serves for reading: what the system itself produces. */
export const READABLE_RESOURCE_TYPES = [
  'Communication',
  'DetectedIssue',
  'Flag',
  'Task',
  'Observation',
  'Group',
  'Appointment',
  'Encounter',
] as const;
export type ReadableResourceType = (typeof READABLE_RESOURCE_TYPES)[number];

/**
 * The search parameters each type answers, as FHIR R4 defines them for that type: `patient` (and
 * `subject` where the type has it) take a Patient reference; Group's `member` does. Every search
 * names one patient: there is no listing of everyone's alerts or scores.
 */
export const SEARCH_PARAMETERS: Record<ReadableResourceType, readonly ('patient' | 'subject' | 'member')[]> = {
  Communication: ['patient', 'subject'],
  DetectedIssue: ['patient'],
  Flag: ['patient', 'subject'],
  Task: ['patient', 'subject'],
  Observation: ['patient', 'subject'],
  Group: ['member'],
  Appointment: ['patient'],
  Encounter: ['patient', 'subject'],
};

/** Paging parameters every search takes. `_offset` is where the page starts (the `next`/`previous` links carry it). */
export const PAGING_PARAMETERS = ['_count', '_offset'] as const;
export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 100;

export interface FhirSearch {
  /** The parameter that named the patient, and the reference as applied (`Patient/<id>`). */
  by: { name: string; reference: string };
  count: number;
  offset: number;
}

const PATIENT_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const NON_NEGATIVE = /^\d{1,9}$/;

/**
 * Reads a search's query strictly (FHIR `handling=strict`): an unknown or repeated parameter, a
 * modifier, or a value of the wrong shape is a 400 naming the parameter, never echoing its value.
 * `_count` above the maximum is lowered to it; the self link shows what was applied.
 */
export function parseFhirSearch(type: ReadableResourceType, query: Readonly<Record<string, unknown>>): FhirSearch {
  const allowed: readonly string[] = [...SEARCH_PARAMETERS[type], ...PAGING_PARAMETERS];
  const issues: FhirIssue[] = [];
  const values = new Map<string, string>();
  for (const [name, raw] of Object.entries(query)) {
    const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name;
    if (!allowed.includes(name)) {
      issues.push({
        severity: 'error',
        code: 'not-supported',
        text: `Unknown search parameter '${shown}' for ${type}: this server answers ${allowed.join(', ')}`,
      });
    } else if (typeof raw !== 'string') {
      issues.push({ severity: 'error', code: 'invalid', text: `Search parameter '${name}' is given more than once` });
    } else {
      values.set(name, raw);
    }
  }
  const patientParams = SEARCH_PARAMETERS[type].filter((name) => values.has(name));
  if (patientParams.length !== 1) {
    issues.push({
      severity: 'error',
      code: 'required',
      text: `Searching ${type} needs exactly one patient, given by one of: ${SEARCH_PARAMETERS[type].join(', ')}`,
    });
  }
  const [name] = patientParams;
  const reference = name ? patientReferenceOf(name, values.get(name) ?? '') : undefined;
  if (name && !reference)
    issues.push({
      severity: 'error',
      code: 'value',
      text: `Search parameter '${name}' must be a Patient reference: Patient/<id>`,
    });
  const count = numberOf('_count', values.get('_count'), DEFAULT_COUNT, issues);
  const offset = numberOf('_offset', values.get('_offset'), 0, issues);
  if (issues.length > 0 || !name || !reference) throw new FhirRequestError(400, issues);
  return { by: { name, reference }, count: Math.min(count, MAX_COUNT), offset };
}

/**
 * The patient a request's query names (`patient`, `subject` or `member`, as `Patient/<id>`), whatever
 * else is wrong with it: for the audit record of a refused or failed search. Only well-formed ids.
 */
export function patientNamedBy(query: Readonly<Record<string, unknown>>): string | undefined {
  for (const name of ['patient', 'subject', 'member']) {
    const value = query[name];
    const reference = typeof value === 'string' ? patientReferenceOf(name, value) : undefined;
    if (reference) return reference;
  }
  return undefined;
}

/** `Patient/<id>`, or a bare id for `patient` (whose target can only be a Patient). */
function patientReferenceOf(name: string, value: string): string | undefined {
  const id = value.startsWith('Patient/') ? value.slice('Patient/'.length) : name === 'patient' ? value : undefined;
  return id !== undefined && PATIENT_ID.test(id) ? `Patient/${id}` : undefined;
}

function numberOf(name: string, value: string | undefined, fallback: number, issues: FhirIssue[]): number {
  if (value === undefined) return fallback;
  if (NON_NEGATIVE.test(value)) return Number(value);
  issues.push({
    severity: 'error',
    code: 'value',
    text: `Search parameter '${name}' must be a whole number, 0 or more`,
  });
  return fallback;
}

/** The URL of a page of this search, with exactly the parameters applied. */
function pageUrl(baseUrl: string, type: ReadableResourceType, search: FhirSearch, offset: number): string {
  const query = new URLSearchParams({
    [search.by.name]: search.by.reference,
    _count: String(search.count),
    _offset: String(offset),
  });
  return `${baseUrl}/${type}?${query.toString()}`;
}

/**
 * One page of a search as a searchset Bundle: `total` counts every match, `self` shows the parameters
 * applied, `next`/`previous` page through. `baseUrl` is the FHIR base (`…/fhir/R4`).
 */
export function searchsetBundle(
  baseUrl: string,
  type: ReadableResourceType,
  search: FhirSearch,
  matches: readonly Resource[],
): Bundle {
  const page = matches.slice(search.offset, search.offset + search.count);
  const link = [
    { relation: 'self', url: pageUrl(baseUrl, type, search, search.offset) },
    ...(search.count > 0 && search.offset + search.count < matches.length
      ? [{ relation: 'next', url: pageUrl(baseUrl, type, search, search.offset + search.count) }]
      : []),
    ...(search.count > 0 && search.offset > 0
      ? [{ relation: 'previous', url: pageUrl(baseUrl, type, search, Math.max(0, search.offset - search.count)) }]
      : []),
  ];
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: matches.length,
    link,
    // FHIR allows no empty arrays: an empty page has no `entry`.
    ...(page.length > 0
      ? {
          entry: page.map((resource) => ({
            fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id ?? ''}`,
            resource,
            search: { mode: 'match' as const },
          })),
        }
      : {}),
  };
}
