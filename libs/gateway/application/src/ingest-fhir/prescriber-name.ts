import type { Resource } from '@medplum/fhirtypes';

/** A staff member's name as an EHR resource gives it, under their pseudonymous staff id. */
export interface StaffName {
  staffId: string;
  name: string;
}

/** Longer than any person's name: free text, not a name, and not kept. */
const MAX_NAME = 200;
/** `Practitioner/<id>` (relative or absolute) or `Practitioner?identifier=…`; not PractitionerRole. */
const PRACTITIONER = /(?:^|\/)Practitioner[/?]/;

/**
 * The prescriber of a MedicationRequest as the EHR names them (`requester.display`, else the name of the
 * Practitioner the same Bundle carries), under their staff id, when the requester is a Practitioner;
 * undefined for any other requester or without a name. For the sealed staff directory only (the care team
 * reads who prescribed by name): never a fact on the bus.
 * `literal`: the reference as the staff id is made from it (a Bundle's `urn:uuid:` resolved).
 * `nameInBundle`: the display name of the Practitioner a Bundle entry's `fullUrl` gives, if any.
 */
export function prescriberNameOf(
  resource: Resource,
  literal: (reference: string) => string,
  staffId: (reference: string) => string | undefined,
  nameInBundle: (reference: string) => string | undefined = () => undefined,
): StaffName | undefined {
  if (resource.resourceType !== 'MedicationRequest') return undefined;
  const reference = resource.requester?.reference;
  const display = resource.requester?.display;
  const name =
    (typeof display === 'string' ? display.trim() : '') || (reference ? (nameInBundle(reference) ?? '') : '');
  if (!reference || !name || name.length > MAX_NAME) return undefined;
  const target = literal(reference);
  const id = PRACTITIONER.test(target) ? staffId(target) : undefined;
  return id ? { staffId: id, name } : undefined;
}
