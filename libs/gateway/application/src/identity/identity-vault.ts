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
    if (masterKey.length !== 32) throw new Error('The identity key must be 32 bytes');
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
    this.encryptionKey = derive('carecircle-gateway-identity-encryption');
    this.lookupKey = derive('carecircle-gateway-identity-lookup');
    this.pseudonymKey = derive('carecircle-gateway-resource-pseudonym');
  }

  /** `v1.<iv>.<tag>.<ciphertext>` (base64url): a fresh 96-bit IV per value. */
  encrypt(value: unknown): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  decrypt<T>(sealed: string): T {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new Error('Unknown sealed value format');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return JSON.parse(Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8')) as T;
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
