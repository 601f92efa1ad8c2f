/** Fields of a CDS Hooks request that stay at the gateway: identifying prefetch and the EHR's own FHIR credentials. */
const WITHHELD = ['prefetch', 'fhirAuthorization', 'fhirServer'] as const;

/** What an EHR may put in `context.patientId`: a FHIR logical id (R4 `id` datatype). */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

export type CdsTranslation =
  | { outcome: 'forward'; memberId: string; body: Record<string, unknown> }
  /** The patient is not known to the gateway: answer empty cards, exactly as for a known patient without any. */
  | { outcome: 'unknown-patient' }
  | { outcome: 'invalid'; text: string };

/** Looks up the member of an EHR patient reference (`Patient/<id>`) through the identity vault. */
export type FindMember = (patientReference: string) => Promise<string | undefined>;

/**
 * Rewrites a CDS Hooks request from the EHR's world into the services' pseudonymous one:
 * `context.patientId` (an EHR Patient id) becomes the member id, references to that patient inside
 * the context (`Patient/<id>`, e.g. a draft order's subject) follow, and prefetch, `fhirServer` and
 * `fhirAuthorization` are withheld: the services need none of them and they identify or authorise.
 */
export async function translateCdsRequest(body: unknown, findMember: FindMember): Promise<CdsTranslation> {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return { outcome: 'invalid', text: 'The body must be a CDS Hooks request (a JSON object)' };
  const request = body as Record<string, unknown>;
  const context = request['context'];
  if (!context || typeof context !== 'object' || Array.isArray(context))
    return { outcome: 'invalid', text: 'context is required' };
  const patientId = (context as Record<string, unknown>)['patientId'];
  if (typeof patientId !== 'string' || !FHIR_ID.test(patientId))
    return { outcome: 'invalid', text: 'context.patientId must be a FHIR Patient id' };
  const memberId = await findMember(`Patient/${patientId}`);
  if (!memberId) return { outcome: 'unknown-patient' };
  const forwarded = Object.fromEntries(
    Object.entries(request).filter(([key]) => !(WITHHELD as readonly string[]).includes(key)),
  );
  const translatedContext = rewritePatientReferences(context, `Patient/${patientId}`, `Patient/${memberId}`) as Record<
    string,
    unknown
  >;
  return {
    outcome: 'forward',
    memberId,
    body: { ...forwarded, context: { ...translatedContext, patientId: memberId } },
  };
}

function rewritePatientReferences(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewritePatientReferences(item, from, to));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      key,
      key === 'reference' && child === from ? to : rewritePatientReferences(child, from, to),
    ]),
  );
}
