import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The gateway's keyed primitives, all derived (HKDF) from one configured 32-byte key:
 * AES-256-GCM for identifying fields at rest, HMAC-SHA256 for lookups (identifier → member) and for
 * the pseudonymous ids of resources. Without the key, the gateway's tables say nothing about anyone.
 */
export class IdentityVault {
  private readonly encryptionKey: Buffer;
  private readonly lookupKey: Buffer;
  private readonly pseudonymKey: Buffer;

  constructor(masterKey: Buffer) {
    this.encryptionKey = deriveKey(masterKey, 'carecircle-gateway-identity-encryption');
    this.lookupKey = deriveKey(masterKey, LOOKUP_KEY_INFO);
    this.pseudonymKey = deriveKey(masterKey, 'carecircle-gateway-resource-pseudonym');
  }

  /** `v1.<iv>.<tag>.<ciphertext>` (base64url): a fresh 96-bit IV per value. */
  encrypt(value: unknown): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt<T>(sealed: string): T {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new Error('Unknown sealed value format');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return JSON.parse(
      Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8'),
    ) as T;
  }

  /** Deterministic keyed hash of an identifier (`system|value`) or a patient reference: the lookup key. */
  lookupHash(value: string): string {
    return createHmac('sha256', this.lookupKey).update(value).digest('base64url');
  }

  /** A stable UUID-shaped pseudonym for an EHR resource key (`Type/id`). */
  resourcePseudonym(resourceKey: string): string {
    const hex = createHmac('sha256', this.pseudonymKey).update(resourceKey).digest('hex');
    const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  /** The pseudonymous staff id (`clin_…`) of a Practitioner or PractitionerRole reference; undefined for any other reference. */
  staffId(reference: string): string | undefined {
    return staffIdWithLookupKey(this.lookupKey, reference);
  }
}

const LOOKUP_KEY_INFO = 'carecircle-gateway-identity-lookup';

function deriveKey(masterKey: Buffer, info: string): Buffer {
  if (masterKey.length !== 32) throw new Error('The identity key must be 32 bytes');
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
}

/**
 * The pseudonymous staff id of an EHR practitioner: `clin_` and 128 bits of the keyed lookup hash of
 * its canonical reference. A pure function of the gateway's identity key (`GATEWAY_IDENTITY_KEY`, the
 * same on every replica and restart) and the reference, so the ingest and the authenticator (a SMART
 * `fhirUser` claim `Practitioner/<id>`) arrive at the same id; without the key it says nothing about
 * who it stands for. Undefined for a reference that names no practitioner.
 */
export function pseudonymousStaffId(identityKey: Buffer, reference: string): string | undefined {
  return staffIdWithLookupKey(deriveKey(identityKey, LOOKUP_KEY_INFO), reference);
}

function staffIdWithLookupKey(lookupKey: Buffer, reference: string): string | undefined {
  const canonical = canonicalStaffReference(reference);
  if (!canonical) return undefined;
  // A prefix of its own keeps staff ids apart from the member lookup hashes made with the same key.
  return `clin_${createHmac('sha256', lookupKey).update(`staff|${canonical}`).digest().subarray(0, 16).toString('base64url')}`;
}

/**
 * `Practitioner/<id>` or `PractitionerRole/<id>` however the EHR wrote it: relative, absolute
 * (`https://ehr.example/fhir/Practitioner/<id>`, as `fhirUser` usually is) or versioned
 * (`…/_history/2`); a conditional reference by identifier stays one (`Practitioner?identifier=system|value`).
 */
export function canonicalStaffReference(reference: string): string | undefined {
  const literal = /(?:^|\/)(Practitioner|PractitionerRole)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]*)?$/.exec(
    reference,
  );
  if (literal) return `${literal[1]}/${literal[2]}`;
  const conditional = /^(Practitioner|PractitionerRole)\?identifier=(.+)$/.exec(reference);
  if (!conditional) return undefined;
  try {
    return `${conditional[1]}?identifier=${decodeURIComponent(conditional[2]!)}`;
  } catch {
    return undefined;
  }
}

/** A new pseudonymous member id: random, so it carries nothing of the identity it stands for. */
export function newMemberId(): string {
  return `mbr_${randomBytes(15).toString('base64url')}`;
}

/** Hash of a resource's content without `meta` (versionId, lastUpdated change on every re-post). */
export function contentHash(resource: object): string {
  const { meta: _meta, ...content } = resource as { meta?: unknown };
  return createHash('sha256').update(canonicalJson(content)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
