import { ServiceEnvError } from '../config/service-env';
import { readTrustedIssuers } from './trusted-issuers';

const issuers = (...list: object[]) => JSON.stringify(list);
const smart = {
  issuer: 'https://carecircle.hospital.example',
  jwksUri: 'https://carecircle.hospital.example/.well-known/jwks.json',
};
const people = {
  issuer: 'https://login.hospital.example/realms/cc',
  jwksUri: 'https://login.hospital.example/realms/cc/certs',
};
const REQUIRED = 'AUTH_TRUSTED_ISSUERS is required when AUTH_REQUIRED is true or NODE_ENV is production';

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    readTrustedIssuers(env);
  } catch (error) {
    if (error instanceof ServiceEnvError) return error.problems;
    throw error;
  }
  return [];
}

describe('readTrustedIssuers in production (NODE_ENV=production or AUTH_REQUIRED=true)', () => {
  const modes = [{ NODE_ENV: 'production' }, { AUTH_REQUIRED: 'true' }];

  it('is off, outside production only, when nothing is configured', () => {
    expect(readTrustedIssuers({})).toBeUndefined();
    for (const mode of modes) expect(problemsOf(mode)).toEqual([REQUIRED]);
  });

  it('takes https issuers, and plain http to loopback (a sidecar, the tests)', () => {
    const loopback = { issuer: 'http://127.0.0.1:3000', jwksUri: 'http://localhost:3000/.well-known/jwks.json' };
    for (const mode of modes) {
      expect(readTrustedIssuers({ ...mode, AUTH_TRUSTED_ISSUERS: issuers(smart, people, loopback) })).toHaveLength(3);
    }
  });

  it.each([
    ['a plain-http jwksUri', { ...smart, jwksUri: 'http://gateway.carecircle.svc/.well-known/jwks.json' }],
    ['a plain-http issuer', { ...people, issuer: 'http://login.hospital.example/realms/cc' }],
  ])('refuses %s to a host other than loopback, without quoting it', (_, unsafe) => {
    for (const mode of modes) {
      const problems = problemsOf({ ...mode, AUTH_TRUSTED_ISSUERS: issuers(people, unsafe) });
      const httpsOnly = /^AUTH_TRUSTED_ISSUERS must use https \(plain http only to loopback\) when/;
      expect(problems).toEqual([expect.stringMatching(httpsOnly)]);
      expect(problems.join()).not.toMatch(/hospital|carecircle\.svc/);
    }
    // Outside production the same list is accepted: the local run and its tests are not production.
    expect(readTrustedIssuers({ AUTH_TRUSTED_ISSUERS: issuers(people, unsafe) })).toHaveLength(2);
  });
});
