import {
  canonicalStaffReference,
  contentHash,
  IdentityVault,
  newMemberId,
  pseudonymousStaffId,
} from './identity-vault';

const key = (fill: number) => Buffer.alloc(32, fill);

describe('IdentityVault', () => {
  const vault = new IdentityVault(key(1));
  const identity = {
    name: [{ family: 'Synthetic', given: ['Test'] }],
    birthDate: '1990-01-01',
    identifier: [{ system: 'urn:mrn', value: 'MRN-1' }],
  };

  it('round-trips identifying fields, with a fresh IV each time and nothing readable in the sealed value', () => {
    const sealed = vault.encrypt(identity);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toMatch(/Synthetic|MRN-1|1990/);
    expect(vault.decrypt(sealed)).toEqual(identity);
    expect(vault.encrypt(identity)).not.toBe(sealed);
  });

  it('detects tampering with the ciphertext, the tag or the IV, and refuses another key', () => {
    const [version, iv, tag, ciphertext] = vault.encrypt(identity).split('.') as [string, string, string, string];
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] = bytes[0]! ^ 0x01;
      return bytes.toString('base64url');
    };
    expect(() => vault.decrypt([version, iv, tag, flip(ciphertext)].join('.'))).toThrow();
    expect(() => vault.decrypt([version, iv, flip(tag), ciphertext].join('.'))).toThrow();
    expect(() => vault.decrypt([version, flip(iv), tag, ciphertext].join('.'))).toThrow();
    expect(() => new IdentityVault(key(2)).decrypt([version, iv, tag, ciphertext].join('.'))).toThrow();
    expect(() => vault.decrypt(`v2.${iv}.${tag}.${ciphertext}`)).toThrow(/format/);
    expect(() => vault.decrypt('garbage')).toThrow(/format/);
  });

  it('keys lookups and pseudonyms: stable for one key, different for another, UUID-shaped', () => {
    expect(vault.lookupHash('urn:mrn|MRN-1')).toBe(new IdentityVault(key(1)).lookupHash('urn:mrn|MRN-1'));
    expect(vault.lookupHash('urn:mrn|MRN-1')).not.toBe(new IdentityVault(key(2)).lookupHash('urn:mrn|MRN-1'));
    expect(vault.resourcePseudonym('MedicationRequest/x')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(vault.resourcePseudonym('MedicationRequest/x')).not.toBe(vault.resourcePseudonym('MedicationRequest/y'));
  });

  it('derives pseudonymous staff ids from practitioner references: stable, keyed, opaque, the same however the EHR writes the reference', () => {
    const id = vault.staffId('Practitioner/psy-01')!;
    expect(id).toMatch(/^clin_[A-Za-z0-9_-]{22}$/);
    expect(id).not.toContain('psy-01');
    // The same key on another replica or after a restart, and the pure function the authenticator uses for a fhirUser claim.
    expect(new IdentityVault(key(1)).staffId('Practitioner/psy-01')).toBe(id);
    expect(pseudonymousStaffId(key(1), 'Practitioner/psy-01')).toBe(id);
    expect(pseudonymousStaffId(key(1), 'https://ehr.example.test/fhir/R4/Practitioner/psy-01')).toBe(id);
    expect(vault.staffId('Practitioner/psy-01/_history/3')).toBe(id);
    // Another key, another practitioner, a role or an identifier: another id.
    expect(pseudonymousStaffId(key(2), 'Practitioner/psy-01')).not.toBe(id);
    const others = [
      'Practitioner/psy-02',
      'PractitionerRole/psy-01',
      'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|150',
    ].map((ref) => vault.staffId(ref));
    expect(new Set([id, ...others]).size).toBe(4);
    // Not the member lookup hash of the same text: staff ids reveal nothing the lookup table holds.
    expect(id.slice(5)).not.toBe(vault.lookupHash('Practitioner/psy-01').slice(0, 22));
  });

  it('gives no staff id to a reference that names no practitioner', () => {
    for (const reference of [
      'Patient/p1',
      'Organization/o1',
      'urn:uuid:7f1b2c3d-0000-4000-8000-000000000001',
      '#contained',
      'Practitioner/',
      'psy-01',
    ]) {
      expect(vault.staffId(reference)).toBeUndefined();
    }
    expect(canonicalStaffReference('Practitioner?identifier=http%3A%2F%2Fhl7.org%2Ffhir%2Fsid%2Fus-npi%7C150')).toBe(
      'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|150',
    );
    expect(canonicalStaffReference('Practitioner?identifier=%E0%A4%A')).toBeUndefined();
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new IdentityVault(Buffer.alloc(16))).toThrow(/32 bytes/);
    expect(() => pseudonymousStaffId(Buffer.alloc(16), 'Practitioner/p1')).toThrow(/32 bytes/);
  });
});

describe('member ids and content hashes', () => {
  it('makes random pseudonymous member ids', () => {
    const a = newMemberId();
    expect(a).toMatch(/^mbr_[A-Za-z0-9_-]{20}$/);
    expect(newMemberId()).not.toBe(a);
  });

  it('hashes content without meta and regardless of key order', () => {
    const a = { resourceType: 'Condition', id: 'c1', code: { text: 'x' }, meta: { versionId: '1' } };
    const b = {
      code: { text: 'x' },
      id: 'c1',
      resourceType: 'Condition',
      meta: { versionId: '2', lastUpdated: '2026-01-01' },
    };
    expect(contentHash(a)).toBe(contentHash(b));
    expect(contentHash({ ...a, code: { text: 'y' } })).not.toBe(contentHash(a));
  });
});
