import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { MedicationRequest, Patient } from '@medplum/fhirtypes';

/** What the EHR's FHIR endpoint was asked, with the bearer token it was asked with. */
export interface FhirRequestSeen {
  path: string;
  authorization?: string | undefined;
}

/** Claims and header a test may bend to make a CDS Hooks JWT invalid in one way. */
export interface CdsJwtOptions {
  iss?: string;
  kid?: string;
  /** Seconds since the epoch. */
  iat?: number;
  exp?: number;
  jti?: string;
  /** Sign with this key instead of the EHR's current one (e.g. a key its JWKS does not publish). */
  key?: CryptoKey;
}

export interface StandInEhr {
  /** `http://127.0.0.1:<port>`: the EHR's issuer (`iss`) too. */
  readonly base: string;
  readonly iss: string;
  readonly jwksUri: string;
  /** The FHIR R4 base the EHR names as `fhirServer`. */
  readonly fhirServer: string;
  /** The opaque token the EHR hands out as `fhirAuthorization.access_token`; its FHIR endpoint wants it. */
  readonly fhirAccessToken: string;
  /** The kid of the key it signs with now. */
  readonly kid: string;
  /** Requests its FHIR endpoint answered (or refused), in order. */
  readonly fhirRequests: readonly FhirRequestSeen[];
  /** How often its JWKS was fetched. */
  readonly jwksFetches: number;
  /** The Patient and the active MedicationRequests its FHIR endpoint serves. */
  serve(patient: Patient, medications: MedicationRequest[]): void;
  /** A new key pair with a new kid; the JWKS publishes only the new key from now on. */
  rotateKeys(): Promise<void>;
  /** A CDS Hooks 2.0 authorization JWT (ES384) for the CDS service at `audience`, valid for five minutes. */
  cdsJwt(audience: string, options?: CdsJwtOptions): Promise<string>;
  /** An unsigned token (`alg: none`) with otherwise valid claims: must never be accepted. */
  unsignedJwt(audience: string): string;
  /** A SMART Backend Services client assertion (private_key_jwt, ES384) for `clientId` at `tokenUrl`. */
  clientAssertion(clientId: string, tokenUrl: string): Promise<string>;
  /** A FHIR search Bundle of the medications it serves (the shape of a prefetch). */
  medicationBundle(): { resourceType: 'Bundle'; type: 'searchset'; entry: { resource: MedicationRequest }[] };
  stop(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES384');
  const kid = `ehr-${randomUUID()}`;
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES384', use: 'sig' } };
}

const FHIR_JSON = 'application/fhir+json';

/**
 * A local EHR for tests, on a real HTTP port: its own ES384 key pair and JWKS (`/.well-known/jwks.json`,
 * with key rotation), a small FHIR R4 endpoint (`/fhir/Patient/<id>` and `/fhir/MedicationRequest?patient=`)
 * behind its own access token, and the tokens it signs: CDS Hooks JWTs and SMART client assertions.
 * It knows nothing of CareCircle's tokens. Launch (SMART App Launch) is not part of it.
 */
export async function startStandInEhr(): Promise<StandInEhr> {
  let key = await newSigningKey();
  let patient: Patient | undefined;
  let medications: MedicationRequest[] = [];
  let jwksFetches = 0;
  const fhirRequests: FhirRequestSeen[] = [];
  const fhirAccessToken = `ehr-fhir-${randomUUID()}`;

  const json = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(JSON.stringify(body));
  };
  const medicationBundle = () => ({
    resourceType: 'Bundle' as const,
    type: 'searchset' as const,
    entry: medications.map((resource) => ({ resource })),
  });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (req.method === 'GET' && url.pathname === '/.well-known/jwks.json') {
      jwksFetches++;
      return json(res, 200, { keys: [key.publicJwk] });
    }
    if (req.method === 'GET' && url.pathname.startsWith('/fhir/')) {
      fhirRequests.push({ path: `${url.pathname}${url.search}`, authorization: req.headers.authorization });
      if (req.headers.authorization !== `Bearer ${fhirAccessToken}`)
        return json(
          res,
          401,
          { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login' }] },
          FHIR_JSON,
        );
      const read = /^\/fhir\/Patient\/([^/]+)$/.exec(url.pathname);
      if (read)
        return patient && patient.id === read[1]
          ? json(res, 200, patient, FHIR_JSON)
          : json(
              res,
              404,
              { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] },
              FHIR_JSON,
            );
      if (url.pathname === '/fhir/MedicationRequest') {
        const subject = `Patient/${url.searchParams.get('patient') ?? ''}`;
        const bundle = medicationBundle();
        return json(
          res,
          200,
          {
            ...bundle,
            entry: bundle.entry.filter(
              (e) =>
                e.resource.subject?.reference === subject &&
                (url.searchParams.get('status') ?? e.resource.status) === e.resource.status,
            ),
          },
          FHIR_JSON,
        );
      }
    }
    json(res, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    base,
    iss: base,
    jwksUri: `${base}/.well-known/jwks.json`,
    fhirServer: `${base}/fhir`,
    fhirAccessToken,
    get kid() {
      return key.kid;
    },
    fhirRequests,
    get jwksFetches() {
      return jwksFetches;
    },
    serve(p, m) {
      patient = p;
      medications = m;
    },
    async rotateKeys() {
      key = await newSigningKey();
    },
    cdsJwt(audience, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ tenant: 'stand-in-tenant' })
        .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: options.kid ?? key.kid })
        .setIssuer(options.iss ?? base)
        .setSubject('stand-in-ehr')
        .setAudience(audience)
        .setIssuedAt(options.iat ?? now)
        .setExpirationTime(options.exp ?? now + 300)
        .setJti(options.jti ?? randomUUID())
        .sign(options.key ?? key.privateKey);
    },
    unsignedJwt(audience) {
      const now = Math.floor(Date.now() / 1000);
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${part({ alg: 'none', typ: 'JWT', kid: key.kid })}.${part({ iss: base, sub: 'stand-in-ehr', aud: audience, iat: now, exp: now + 300, jti: randomUUID() })}.`;
    },
    clientAssertion(clientId, tokenUrl) {
      return new SignJWT({})
        .setProtectedHeader({ alg: 'ES384', kid: key.kid })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(tokenUrl)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime('2m')
        .sign(key.privateKey);
    },
    medicationBundle,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
