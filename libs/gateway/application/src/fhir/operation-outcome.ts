import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

export type IssueCode = OperationOutcomeIssue['code'];

export interface FhirIssue {
  severity: 'error' | 'warning' | 'information';
  code: IssueCode;
  /** Plain words; never quotes submitted values. */
  text: string;
  /** FHIRPath of the offending element, e.g. `Bundle.entry[2].resource.birthDate`. */
  expression?: string;
}

export function operationOutcome(issues: readonly FhirIssue[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map(({ severity, code, text, expression }) => ({
      severity,
      code,
      details: { text },
      ...(expression ? { expression: [expression] } : {}),
    })),
  };
}

/** A request the gateway refuses as a whole: the HTTP status and the OperationOutcome that says where and what. */
export class FhirRequestError extends Error {
  override readonly name = 'FhirRequestError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429,
    readonly issues: readonly FhirIssue[],
  ) {
    super(issues.map((issue) => issue.text).join('; '));
  }
}
