import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { fixedClock } from '@carecircle/shared-kernel';
import { SigningKeyError, SmartTokenService } from './smart-token-service';

const ISSUER = 'https://gateway.carecircle.test';
const AUDIENCE = 'carecircle-enrollment';

async function signingKey(kid: string): Promise<{ private: JWK; public: JWK }> {
  const pair = await generateKeyPair('ES384', { extractable: true });
  return {
    private: { ...(await exportJWK(pair.privateKey)), kid },
    public: { ...(await exportJWK(pair.publicKey)), kid },
  };
}

function gateway(key: JWK, rotationKeys: JWK[] = []): Promise<SmartTokenService> {
  return SmartTokenService.create({
    clients: [],
    tokenUrl: `${ISSUER}/auth/token`,
    issuer: ISSUER,
    accessTokenTtlSeconds: 300,
    clock: fixedClock(new Date('2026-12-05T10:00:00Z')),
    signingKey: key,
    rotationKeys,
    usedAssertions: { useOnce: () => Promise.resolve(true) },
    serviceAudiences: [AUDIENCE, ISSUER],
  });
}

/** A token as the gateway mints it for a SMART client (its own audience), verified as any replica verifies it. */
const tokenOf = async (service: SmartTokenService) =>
  (await service.mintForService(ISSUER, { sub: 'ehr', scope: 'system/Flag.r' })).token;

describe('signing-key rotation without refusals (GATEWAY_ROTATION_PUBLIC_KEYS)', () => {
  it('accepts, through every step of a rotation, the tokens of replicas still on the other key; refuses them once the old key is gone', async () => {
    const [old, next] = await Promise.all([signingKey('gateway-2026-11'), signingKey('gateway-2026-12')]);
    const before = await gateway(old.private);
    const announcing = await gateway(old.private, [next.public]); // step 1: the next key published everywhere
    const switched = await gateway(next.private, [old.public]); // step 2: signing with the next key, the old one still accepted
    const after = await gateway(next.private); // step 3: the old key's tokens have expired; it goes

    expect(await switched.verify(await tokenOf(announcing))).toEqual({ clientId: 'ehr', scope: 'system/Flag.r' });
    expect(await announcing.verify(await tokenOf(switched))).toEqual({ clientId: 'ehr', scope: 'system/Flag.r' });
    expect(await switched.verify(await tokenOf(before))).toBeDefined();
    expect(await after.verify(await tokenOf(switched))).toBeDefined();
    expect(await after.verify(await tokenOf(before))).toBeUndefined();
    expect(await before.verify(await tokenOf(after))).toBeUndefined();
  });

  it('publishes the signing key first and the rotation keys after it, public parts only', async () => {
    const [old, next] = await Promise.all([signingKey('gateway-2026-11'), signingKey('gateway-2026-12')]);
    const published = (await gateway(next.private, [old.public])).publishedKeys;
    expect(published.map((key) => key.kid)).toEqual(['gateway-2026-12', 'gateway-2026-11']);
    for (const key of published) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }
  });

  it.each([
    ['a private key', async (key: { private: JWK }) => key.private],
    ['a key without a kid', async (key: { public: JWK }) => ({ ...key.public, kid: undefined })],
    ['the signing key’s own kid', async (key: { public: JWK }) => ({ ...key.public, kid: 'gateway-2026-12' })],
    ['another curve', async (key: { public: JWK }) => ({ ...key.public, crv: 'P-256' })],
  ])('refuses %s as a rotation key', async (_, rotation) => {
    const [old, next] = await Promise.all([signingKey('gateway-2026-11'), signingKey('gateway-2026-12')]);
    await expect(gateway(next.private, [await rotation(old)])).rejects.toThrow(SigningKeyError);
  });
});
