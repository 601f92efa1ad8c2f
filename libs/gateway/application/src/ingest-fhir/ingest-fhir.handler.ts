import type { Bundle, BundleEntry, CodeableConcept, Medication, Practitioner, Resource } from '@medplum/fhirtypes';
import { handleCommand } from '@carecircle/platform/event-sourcing';
import {
  memberRecordDecider,
  memberRecordStreamId,
  type ClinicalFact,
  type ResourceSubmission,
} from '@carecircle/gateway/domain';
import type { Clock } from '@carecircle/shared-kernel';
import { principalAllows, type Interaction, type Principal } from '../auth/smart-scopes';
import {
  fhirInputIssues,
  fhirPathType,
  invalidFhirId,
  isFhirId,
  isValidPatientReference,
} from '../fhir/fhir-input-rules';
import { FhirRequestError, operationOutcome, type FhirIssue } from '../fhir/operation-outcome';
import { resourceToFact, type IngestScope, type MappedResource, type StaffIdLookup } from '../fhir/resource-to-fact';
import { validateFhirResource } from '../fhir/structure-validation';
import { contentHash, type IdentityVault } from '../identity/identity-vault';
import type { IdentityReview, IdentityReviews } from '../identity/identity-review.port';
import type { PatientIdentity, Registration } from '../identity/member-identities.port';
import { ageInWholeYears } from './age-at-referral';
import type { IngestTransaction, IngestUnitOfWork } from './ingest-unit-of-work.port';
import { prescriberNameOf, type StaffName } from './prescriber-name';
import { displayNameOf } from '../care-console/care-console.names';
import { isRelayable } from './relayable-fact';

/** `GATEWAY_BUNDLE_MAX_ENTRIES` when unset. */
export const DEFAULT_BUNDLE_MAX_ENTRIES = 1000;

export interface IngestFhirDeps {
  unitOfWork: IngestUnitOfWork;
  vault: IdentityVault;
  clock: Clock;
  scope: IngestScope;
  /** Where identity conflicts go for a person to review. */
  reviews: IdentityReviews;
  /** Largest Bundle taken in; a larger one is refused whole (413 too-costly). Default 1,000. */
  maxBundleEntries?: number;
}

export interface RequestContext {
  correlationId: string;
  causationId: string;
}

export type FhirSubmission =
  | { kind: 'bundle'; body: unknown }
  | { kind: 'create'; type: string; body: unknown }
  | { kind: 'update'; type: string; id: string; body: unknown };

export interface IngestResult {
  status: 200 | 201;
  body: Bundle | ReturnType<typeof operationOutcome>;
  /** For the audit trail: which members and resource types the request touched. */
  memberIds: string[];
  resourceTypes: string[];
}

interface Entry {
  at: string;
  fullUrl?: string;
  resource: Resource;
  interaction: Interaction;
  key: string;
  mapped: MappedResource;
  /** Set once the entry is refused (batch only: a transaction refuses as a whole). */
  failure?: { status: number; issues: FhirIssue[] };
  memberId?: string;
  result?: 'created' | 'updated' | 'unchanged' | 'ignored';
  /** The prescriber's name the resource gives, for the sealed staff directory (never a fact). */
  prescriberName?: StaffName;
}

const OK_STATUS = { created: '201 Created', updated: '200 OK', unchanged: '200 OK', ignored: '200 OK' } as const;

/**
 * FHIR R4 ingest: one resource, a batch or a transaction Bundle. Every entry is validated against
 * the R4 definitions, authorised against the caller's scopes and its references resolved before
 * anything is written; then identities and each member's record are written in one transaction.
 */
export function ingestFhir(deps: IngestFhirDeps) {
  return async (submission: FhirSubmission, principal: Principal, context: RequestContext): Promise<IngestResult> => {
    const { entries, bundleType } = readSubmission(submission, deps);
    const atomic = bundleType !== 'batch';
    for (const entry of entries) check(entry, principal);
    const refused = entries.filter((entry) => entry.failure);
    if (atomic && refused.length > 0) {
      const status = Math.max(...refused.map((entry) => entry.failure!.status)) as 400 | 403 | 422;
      throw new FhirRequestError(
        refused.some((e) => e.failure!.status === 400) ? 400 : status,
        refused.flatMap((entry) => entry.failure!.issues),
      );
    }
    const live = entries.filter((entry) => !entry.failure);
    // In a transaction, a failure found while writing throws inside the unit of work: everything rolls back.
    // Identity conflicts are filed for review afterwards, outside it, so that they outlive a rollback.
    let reviews: IdentityReview[];
    try {
      reviews = await deps.unitOfWork.run((tx) => record(live, tx, deps, atomic, context));
    } catch (error) {
      if (!(error instanceof RefusedWithReviews)) throw error;
      await fileReviews(deps, error.reviews);
      throw error.refusal;
    }
    await fileReviews(deps, reviews);
    return respond(submission, bundleType, entries);
  };
}

/** A transaction refused for an identity conflict found while writing: rolled back, its reviews still filed. */
class RefusedWithReviews extends Error {
  constructor(
    readonly refusal: FhirRequestError,
    readonly reviews: IdentityReview[],
  ) {
    super(refusal.message);
  }
}

async function fileReviews(deps: IngestFhirDeps, reviews: readonly IdentityReview[]): Promise<void> {
  for (const review of reviews) await deps.reviews.file(review);
}

function readSubmission(
  submission: FhirSubmission,
  { scope, vault, maxBundleEntries = DEFAULT_BUNDLE_MAX_ENTRIES }: IngestFhirDeps,
): { entries: Entry[]; bundleType?: string } {
  const body = submission.body as Partial<Resource> | undefined;
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw invalid(400, 'structure', 'The body must be a FHIR resource (a JSON object)', undefined);
  if (submission.kind !== 'bundle') {
    if (body.resourceType !== submission.type) {
      throw invalid(400, 'invalid', `The resourceType must be ${submission.type}, as in the URL`, 'resourceType');
    }
    if (submission.kind === 'update' && !isFhirId(submission.id))
      throw new FhirRequestError(400, [invalidFhirId(`${submission.type}.id`)]);
    if (submission.kind === 'update' && (body as Resource).id !== submission.id)
      throw invalid(400, 'invalid', 'The resource id must match the id in the URL', `${submission.type}.id`);
    const resource = body as Resource;
    return {
      entries: [
        toEntry(
          resource,
          submission.type,
          submission.kind === 'create' ? 'c' : 'u',
          undefined,
          scope,
          () => undefined,
          (ref) => ref,
          vault,
        ),
      ],
    };
  }
  if (body.resourceType !== 'Bundle') throw invalid(400, 'invalid', 'POST /fhir/R4 takes a Bundle', 'resourceType');
  const bundle = body as Bundle;
  if (bundle.type !== 'batch' && bundle.type !== 'transaction')
    throw invalid(422, 'not-supported', 'Only batch and transaction Bundles are processed', 'Bundle.type');
  if (bundle.entry !== undefined && !Array.isArray(bundle.entry))
    throw invalid(400, 'structure', 'Bundle.entry must be an array', 'Bundle.entry');
  const bundleEntries = bundle.entry ?? [];
  // Counted before anything is validated: the cost of a Bundle grows with its entries.
  if (bundleEntries.length > maxBundleEntries) {
    throw new FhirRequestError(413, [
      {
        severity: 'error',
        code: 'too-costly',
        text: `The Bundle has more than ${maxBundleEntries} entries`,
        expression: 'Bundle.entry',
      },
    ]);
  }
  const medication = medicationLookup(bundleEntries);
  const practitioner = practitionerLookup(bundleEntries);
  const staffReference = (ref: string) => practitioner(ref) ?? ref;
  const practitionerName = practitionerNameLookup(bundleEntries);
  return {
    bundleType: bundle.type,
    entries: bundleEntries.map((entry, index) => {
      const at = `Bundle.entry[${index}]`;
      if (!isObject(entry)) return refusedEntry(at, 400, 'structure', 'The entry must be a JSON object', at);
      if (entry.fullUrl !== undefined && typeof entry.fullUrl !== 'string')
        return refusedEntry(at, 400, 'structure', 'The fullUrl must be a string', `${at}.fullUrl`);
      const method = isObject(entry.request) ? entry.request.method : undefined;
      if (!isObject(entry.resource))
        return refusedEntry(at, 400, 'required', 'The entry has no resource', `${at}.resource`);
      if (method !== 'POST' && method !== 'PUT')
        return refusedEntry(
          at,
          422,
          'not-supported',
          'Only POST and PUT entries are processed',
          `${at}.request.method`,
        );
      return toEntry(
        entry.resource,
        `${at}.resource`,
        method === 'POST' ? 'c' : 'u',
        entry.fullUrl,
        scope,
        medication,
        staffReference,
        vault,
        practitionerName,
      );
    }),
  };
}

function toEntry(
  resource: Resource,
  at: string,
  interaction: Interaction,
  fullUrl: string | undefined,
  scope: IngestScope,
  medication: (ref: string) => CodeableConcept | undefined,
  /** A practitioner reference as its staff id is made from it (a Bundle's `urn:uuid:` resolved). */
  staffReference: (ref: string) => string,
  vault: IdentityVault,
  /** The name of a Practitioner the Bundle carries, by its `fullUrl`. */
  practitionerName: (ref: string) => string | undefined = () => undefined,
): Entry {
  const staffId: StaffIdLookup = (ref) => vault.staffId(staffReference(ref));
  const inputIssues = fhirInputIssues(resource, at);
  // A resource with forbidden keys is not handed to the structure validation at all.
  const issues = inputIssues.length > 0 ? inputIssues : validateFhirResource(resource, at);
  const key = `${resource.resourceType}/${resource.id ?? `#${contentHash(resource)}`}`;
  const mapped: MappedResource =
    issues.length === 0
      ? resourceToFact(
          resource,
          scope,
          (ref) => (ref.startsWith('#') ? contained(resource, ref) : medication(ref)),
          staffId,
        )
      : { outcome: 'ignored' as const, reason: 'invalid' };
  if (mapped.outcome !== 'ignored' && !isRelayable(mapped.fact)) {
    issues.push({
      severity: 'error',
      code: 'structure',
      text: `The ${mapped.fact.kind} taken from this resource has an element of the wrong type or form`,
      expression: at,
    });
  }
  const prescriberName =
    mapped.outcome === 'fact'
      ? prescriberNameOf(resource, staffReference, (ref) => vault.staffId(ref), practitionerName)
      : undefined;
  return {
    at,
    fullUrl,
    resource,
    interaction,
    key,
    mapped,
    ...(prescriberName ? { prescriberName } : {}),
    ...(issues.length > 0 ? { failure: { status: 400, issues } } : {}),
  };
}

function refusedEntry(at: string, status: number, code: FhirIssue['code'], text: string, expression: string): Entry {
  return {
    at,
    resource: { resourceType: 'Basic' } as Resource,
    interaction: 'c',
    key: at,
    mapped: { outcome: 'ignored', reason: text },
    failure: { status, issues: [{ severity: 'error', code, text, expression }] },
  };
}

/** Scopes first, then the form of the patient reference (its id, before anything is looked up). */
function check(entry: Entry, principal: Principal): void {
  if (entry.failure) return;
  if (!principalAllows(principal, entry.resource.resourceType, entry.interaction)) {
    const verb = entry.interaction === 'c' ? 'create' : 'update';
    entry.failure = {
      status: 403,
      issues: [
        {
          severity: 'error',
          code: 'forbidden',
          text: `The access token does not allow ${verb} of ${entry.resource.resourceType}`,
          expression: entry.at,
        },
      ],
    };
    return;
  }
  if (entry.mapped.outcome === 'fact' && !isValidPatientReference(entry.mapped.patient.reference)) {
    entry.failure = { status: 400, issues: [invalidFhirId(`${patientReferencePath(entry)}.reference`)] };
  }
}

/** `Bundle.entry[2].resource.subject` for the patient reference the mapping found in `Observation.subject`. */
function patientReferencePath(entry: Entry): string {
  const { expression } = (entry.mapped as Extract<MappedResource, { outcome: 'fact' }>).patient;
  return `${entry.at}${expression.slice(entry.resource.resourceType.length)}`;
}

/** Writes the entries; returns the identity conflicts to file for review (a transaction throws them instead). */
async function record(
  entries: Entry[],
  tx: IngestTransaction,
  deps: IngestFhirDeps,
  atomic: boolean,
  context: RequestContext,
): Promise<IdentityReview[]> {
  const memberByReference = new Map<string, string>();
  // Each member's entries to record: their Patient's facts (PatientRecorded) first, then the resources about them.
  const byMember = new Map<string, Entry[]>();
  const reviews: IdentityReview[] = [];
  const createdHere = new Set<string>();
  for (const entry of entries) {
    if (entry.mapped.outcome !== 'identity') continue;
    const identity = patientIdentity(entry.resource, entry.at);
    const registration = await tx.identities.register(identity);
    if (registration.outcome === 'conflict') {
      entry.failure = { status: 409, issues: conflictIssues(registration, identity.expressions) };
      // Members created earlier in a refused transaction vanish with it: the review names only those that remain.
      const memberIds = atomic ? registration.memberIds.filter((id) => !createdHere.has(id)) : registration.memberIds;
      reviews.push({
        detectedAt: deps.clock.now(),
        reasonCode: registration.reason,
        memberIds,
        resourceType: 'Patient',
      });
      if (atomic) throw new RefusedWithReviews(new FhirRequestError(409, entry.failure.issues), reviews);
      continue;
    }
    const { memberId } = registration;
    if (registration.created) createdHere.add(memberId);
    entry.memberId = memberId;
    entry.result = 'unchanged';
    if (entry.fullUrl) memberByReference.set(entry.fullUrl, memberId);
    if (entry.resource.id) memberByReference.set(`Patient/${entry.resource.id}`, memberId);
    byMember.set(memberId, [...(byMember.get(memberId) ?? []), entry]);
  }
  const bundleUrls = new Set(
    entries
      .flatMap((entry) => [
        entry.fullUrl,
        entry.resource.id ? `${entry.resource.resourceType}/${entry.resource.id}` : undefined,
      ])
      .filter(Boolean),
  );
  for (const entry of entries) {
    if (entry.mapped.outcome === 'ignored') entry.result = 'ignored';
    if (entry.mapped.outcome !== 'fact') continue;
    const dangling = danglingReference(entry, bundleUrls);
    const memberId = dangling
      ? undefined
      : (memberByReference.get(entry.mapped.patient.reference) ??
        (await findMember(entry.mapped.patient.reference, tx)));
    if (!memberId) {
      const expression = dangling ?? patientReferencePath(entry);
      entry.failure = {
        status: 422,
        issues: [
          {
            severity: 'error',
            code: 'not-found',
            text: 'The reference resolves to nothing in this Bundle or known to the gateway',
            expression,
          },
        ],
      };
      if (atomic) throw new FhirRequestError(422, entry.failure.issues);
      continue;
    }
    entry.memberId = memberId;
    byMember.set(memberId, [...(byMember.get(memberId) ?? []), entry]);
  }
  for (const [memberId, memberEntries] of byMember) {
    const resources: ResourceSubmission[] = [];
    for (const entry of memberEntries) {
      const { fact } = entry.mapped as Extract<MappedResource, { outcome: 'fact' | 'identity' }>;
      resources.push({
        resourceKey: entry.key,
        resourceId: deps.vault.resourcePseudonym(entry.key),
        // A Patient's version is what travels: a changed name or address (kept in the vault) publishes nothing.
        contentHash:
          entry.mapped.outcome === 'identity'
            ? contentHash({ resourceType: 'Patient', ...fact.details })
            : contentHash(entry.resource),
        fact: fact.kind === 'ReferralRequested' ? await withAgeAtReferral(fact, memberId, tx, deps) : fact,
      });
    }
    const outcome = await handleCommand(
      tx.store,
      memberRecordStreamId(memberId),
      memberRecordDecider,
      { type: 'IngestResources', data: { memberId, resources }, metadata: { now: deps.clock.now(), ...context } },
      { maxConflictRetries: 0 },
    );
    if (!outcome.ok) {
      for (const entry of memberEntries)
        entry.failure = {
          status: 409,
          issues: [{ severity: 'error', code: 'conflict', text: outcome.error.message, expression: entry.at }],
        };
      if (atomic)
        throw new FhirRequestError(409, [{ severity: 'error', code: 'conflict', text: outcome.error.message }]);
      continue;
    }
    // Who prescribed, by the name the EHR gave: the care team's timeline reads it from the staff directory.
    for (const { prescriberName } of memberEntries)
      if (prescriberName) await tx.staffNames.recordIfUnnamed(prescriberName.staffId, prescriberName.name);
    const revisions = new Map(outcome.events.map((event) => [event.data.resourceKey, event.data.revision]));
    for (const entry of memberEntries) {
      // A Patient answers as an identity (registered, found or updated in the vault), as before.
      if (entry.mapped.outcome === 'identity') continue;
      const revision = revisions.get(entry.key);
      entry.result = revision === undefined ? 'unchanged' : revision === 1 ? 'created' : 'updated';
    }
  }
  return reviews;
}

/** One issue per key that points elsewhere, at the element that holds it; never the value. */
function conflictIssues(
  registration: Extract<Registration, { outcome: 'conflict' }>,
  expressions: ReadonlyMap<string, string>,
): FhirIssue[] {
  const text =
    registration.reason === 'identifier-of-another-patient'
      ? 'This identifier belongs to a member known under another Patient id: nothing was recorded, the conflict is filed for review'
      : "This Patient's identifiers belong to different members: nothing was recorded, the conflict is filed for review";
  return [...new Set(registration.conflictingKeys.map((key) => expressions.get(key)))].map((expression) => ({
    severity: 'error',
    code: 'duplicate',
    text,
    ...(expression ? { expression } : {}),
  }));
}

/**
 * A referral carries the member's age in whole years at its authoredOn (at ingest when it has none),
 * from the birth date the gateway holds: enrollment needs the age for placement, never the birth date.
 * Read after this submission's Patients were registered, so a Patient in the same Bundle counts.
 */
async function withAgeAtReferral(
  fact: ClinicalFact,
  memberId: string,
  tx: IngestTransaction,
  deps: IngestFhirDeps,
): Promise<ClinicalFact> {
  const authoredOn = fact.details['authoredOn'];
  const ageAtReferral = ageInWholeYears(
    await tx.identities.birthDate(memberId),
    typeof authoredOn === 'string' ? authoredOn : deps.clock.now().toISOString(),
  );
  return ageAtReferral === undefined ? fact : { ...fact, details: { ...fact.details, ageAtReferral } };
}

async function findMember(reference: string, tx: IngestTransaction): Promise<string | undefined> {
  if (reference.startsWith('Patient/')) return tx.identities.find([reference]);
  const conditional = /^Patient\?identifier=(.+)$/.exec(reference);
  const identifier = conditional?.[1] ? decodedOrUndefined(conditional[1]) : undefined;
  return identifier ? tx.identities.find([identifier]) : undefined;
}

/** A malformed percent-encoding resolves to nothing (a 422 naming the reference), not to a 500. */
function decodedOrUndefined(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

/** The FHIRPath of the first `urn:uuid:` reference that names no entry of the Bundle. */
function danglingReference(entry: Entry, bundleUrls: Set<string | undefined>): string | undefined {
  const walk = (value: unknown, path: string): string | undefined => {
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) {
        const found = walk(item, `${path}[${index}]`);
        if (found) return found;
      }
      return undefined;
    }
    if (!value || typeof value !== 'object') return undefined;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'reference' && typeof child === 'string' && child.startsWith('urn:uuid:') && !bundleUrls.has(child))
        return `${path}.reference`;
      const found = typeof child === 'object' ? walk(child, `${path}.${key}`) : undefined;
      if (found) return found;
    }
    return undefined;
  };
  return walk(entry.resource, entry.at);
}

/** The Patient's identity, and the FHIRPath of the element behind each lookup key (for a conflict's issues). */
function patientIdentity(patient: Resource, at: string): PatientIdentity & { expressions: Map<string, string> } {
  const p = patient as Extract<Resource, { resourceType: 'Patient' }>;
  const expressions = new Map<string, string>();
  if (p.id) expressions.set(`Patient/${p.id}`, `${at}.id`);
  (p.identifier ?? []).forEach((identifier, index) => {
    const key = `${identifier.system ?? ''}|${identifier.value}`;
    if (identifier.value && !expressions.has(key)) expressions.set(key, `${at}.identifier[${index}]`);
  });
  return {
    ...(p.id ? { patientId: p.id } : {}),
    lookupKeys: [...expressions.keys()],
    identifying: {
      id: p.id,
      identifier: p.identifier,
      name: p.name,
      birthDate: p.birthDate,
      gender: p.gender,
      telecom: p.telecom,
      address: p.address,
    },
    expressions,
  };
}

function medicationLookup(entries: readonly BundleEntry[]): (reference: string) => CodeableConcept | undefined {
  const medications = new Map<string, CodeableConcept | undefined>();
  for (const entry of entries) {
    if (!isObject(entry) || !isObject(entry.resource) || entry.resource.resourceType !== 'Medication') continue;
    // Validated here too: a MedicationRequest may take its codes from it before its own entry is judged.
    if (validateFhirResource(entry.resource).length > 0 || fhirInputIssues(entry.resource, 'Medication').length > 0)
      continue;
    const code = (entry.resource as Medication).code;
    if (entry.fullUrl) medications.set(entry.fullUrl, code);
    if (entry.resource.id) medications.set(`Medication/${entry.resource.id}`, code);
  }
  return (reference) => medications.get(reference);
}

/**
 * The literal reference of a Practitioner the Bundle carries under a `urn:uuid:` (as Synthea sends
 * requesters): `Practitioner/<id>`, or by its first identifier when it has no id, so the staff id is
 * the same whichever way the EHR refers to it next time.
 */
/** A Bundle's Practitioners' display names by `fullUrl`, for prescribers the EHR refers to without a display. */
function practitionerNameLookup(entries: readonly BundleEntry[]): (reference: string) => string | undefined {
  const names = new Map<string, string>();
  for (const entry of entries) {
    if (!isObject(entry) || typeof entry.fullUrl !== 'string' || !isObject(entry.resource)) continue;
    if (entry.resource.resourceType !== 'Practitioner') continue;
    const name = displayNameOf(entry.resource as { name?: unknown });
    if (name) names.set(entry.fullUrl, name);
  }
  return (reference) => names.get(reference);
}

function practitionerLookup(entries: readonly BundleEntry[]): (reference: string) => string | undefined {
  const practitioners = new Map<string, string>();
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    const resource = entry.resource;
    if (
      typeof entry.fullUrl !== 'string' ||
      !isObject(resource) ||
      (resource.resourceType !== 'Practitioner' && resource.resourceType !== 'PractitionerRole')
    )
      continue;
    // Read before the entry is validated: only well-formed ids and identifiers count.
    const identifiers: unknown[] = Array.isArray((resource as Practitioner).identifier)
      ? (resource as Practitioner).identifier!
      : [];
    const identifier = identifiers.find(
      (i): i is { system?: string; value: string } =>
        isObject(i) && typeof (i as { value?: unknown }).value === 'string' && (i as { value: string }).value !== '',
    );
    const system = typeof identifier?.system === 'string' ? identifier.system : '';
    const literal = isFhirId(resource.id)
      ? `${resource.resourceType}/${resource.id}`
      : identifier
        ? `${resource.resourceType}?identifier=${system}|${identifier.value}`
        : undefined;
    if (literal) practitioners.set(entry.fullUrl, literal);
  }
  return (reference) => practitioners.get(reference);
}

function contained(resource: Resource, reference: string): CodeableConcept | undefined {
  const found = ((resource as { contained?: Resource[] }).contained ?? []).find((item) => `#${item.id}` === reference);
  return found?.resourceType === 'Medication' ? found.code : undefined;
}

function respond(submission: FhirSubmission, bundleType: string | undefined, entries: Entry[]): IngestResult {
  const memberIds = [...new Set(entries.flatMap((entry) => (entry.memberId ? [entry.memberId] : [])))];
  // For the audit trail: a type as FHIR spells types, whatever the body claimed.
  const resourceTypes = [
    ...new Set(
      entries.map((entry) =>
        fhirPathType(typeof entry.resource.resourceType === 'string' ? entry.resource.resourceType : undefined),
      ),
    ),
  ];
  const outcomeOf = (entry: Entry) =>
    entry.failure
      ? operationOutcome(entry.failure.issues)
      : operationOutcome([
          entry.mapped.outcome === 'ignored'
            ? {
                severity: 'information',
                code: 'informational',
                text: `Accepted and ignored: ${entry.mapped.reason}`,
                expression: entry.at,
              }
            : {
                severity: 'information',
                code: 'informational',
                text: `Accepted: ${entry.result ?? 'recorded'}`,
                expression: entry.at,
              },
        ]);
  if (submission.kind !== 'bundle') {
    const [entry] = entries;
    return { status: entry?.result === 'created' ? 201 : 200, body: outcomeOf(entry!), memberIds, resourceTypes };
  }
  const body: Bundle = {
    resourceType: 'Bundle',
    type: bundleType === 'batch' ? 'batch-response' : 'transaction-response',
    entry: entries.map((entry) => ({
      response: {
        status: entry.failure ? String(entry.failure.status) : OK_STATUS[entry.result ?? 'unchanged'],
        outcome: outcomeOf(entry),
      },
    })),
  };
  return { status: 200, body, memberIds, resourceTypes };
}

function isObject<T>(value: T): value is T & object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(
  status: 400 | 422,
  code: FhirIssue['code'],
  text: string,
  expression: string | undefined,
): FhirRequestError {
  return new FhirRequestError(status, [{ severity: 'error', code, text, ...(expression ? { expression } : {}) }]);
}
