import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { problemsOf, requiredIn, type ServiceEnvSchema } from '@carecircle/platform/service-kit';
import { DEMO_USERS } from '../../apps/gateway/src/web-ui/dev-identity-provider';
import { SERVICE_ENV_SCHEMAS } from './service-env-schemas';

/**
 * docker-compose.yml cannot be run here (no Docker engine), so it is checked the way each service checks
 * its environment at boot: every service's compose environment against its own schema, in the mode compose
 * declares, plus every variable production requires; and the wiring around them (healthchecks, depends_on,
 * databases, the Keycloak realm).
 */
const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface ComposeService {
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: unknown };
  volumes?: string[];
}

// `merge: true`: the services share `<<: *service` and `<<: *service-env` (YAML 1.1 merge keys).
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;

function environmentOf(name: string): NodeJS.ProcessEnv {
  const environment = services[name]?.environment;
  if (!environment || Array.isArray(environment)) throw new Error(`compose service ${name} has no environment mapping`);
  return Object.fromEntries(
    Object.entries(environment).map(([key, value]) => [key, value === null ? undefined : String(value)]),
  );
}

function dependenciesOf(name: string): Record<string, string> {
  const dependsOn = services[name]?.depends_on ?? {};
  if (Array.isArray(dependsOn))
    return Object.fromEntries(dependsOn.map((dependency) => [dependency, 'service_started']));
  return Object.fromEntries(Object.entries(dependsOn).map(([dependency, { condition }]) => [dependency, condition]));
}

/** Compose services named as hosts in `env`'s URLs and broker lists (the trusted issuers' keys are fetched on first use). */
function hostsNamedIn(env: NodeJS.ProcessEnv): Set<string> {
  const hosts = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value || name === 'AUTH_TRUSTED_ISSUERS') continue;
    for (const match of value.matchAll(/(?:^|,|\/\/|@)([a-z][a-z0-9-]*):\d+/g))
      if (match[1]! in services) hosts.add(match[1]!);
  }
  return hosts;
}

/** Variables compose sets that are not the service's own: the image's entry point. */
const IMAGE_VARIABLES = new Set(['APP']);

describe('docker-compose.yml', () => {
  it.each(SERVICE_ENV_SCHEMAS.map((schema) => [schema.service, schema] as const))(
    '%s: its environment passes its boot check and sets every variable production requires',
    (_service, schema: ServiceEnvSchema) => {
      const env = environmentOf(schema.service);
      expect(problemsOf(schema, env)).toEqual([]);
      expect([...requiredIn(schema, { ...env, NODE_ENV: 'production' })]).toEqual([]);
      const unknown = Object.keys(env).filter((name) => !(name in schema.variables) && !IMAGE_VARIABLES.has(name));
      expect(unknown).toEqual([]);
    },
  );

  it('the check above fails on a variable left unset (e.g. the gateway without its identity key or liaison without a database)', () => {
    const [liaison, gateway] = ['clinician-liaison', 'gateway'].map((name) =>
      SERVICE_ENV_SCHEMAS.find((schema) => schema.service === name)!,
    );
    const { DATABASE_URL: _database, ...liaisonEnv } = environmentOf('clinician-liaison');
    expect(problemsOf(liaison!, liaisonEnv)).toContain('DATABASE_URL is required');
    const { GATEWAY_IDENTITY_KEY: _key, ...gatewayEnv } = environmentOf('gateway');
    expect([...requiredIn(gateway!, { ...gatewayEnv, NODE_ENV: 'production' })]).toEqual(['GATEWAY_IDENTITY_KEY']);
  });

  it('gives every service and the stores it waits for a healthcheck, and makes each wait for what its environment names', () => {
    for (const { service } of SERVICE_ENV_SCHEMAS) {
      expect({ service, healthcheck: services[service]?.healthcheck?.test !== undefined }).toEqual({
        service,
        healthcheck: true,
      });
      const dependencies = dependenciesOf(service);
      for (const host of hostsNamedIn(environmentOf(service))) {
        expect({ service, dependsOn: host, declared: host in dependencies }).toEqual({
          service,
          dependsOn: host,
          declared: true,
        });
        if (services[host]?.healthcheck)
          expect({ service, host, condition: dependencies[host] }).toEqual({
            service,
            host,
            condition: 'service_healthy',
          });
      }
    }
    for (const store of ['kafka', 'postgres', 'keycloak']) expect(services[store]?.healthcheck).toBeDefined();
  });

  it('creates the database each service is given', () => {
    const initSql = read('deploy/postgres-init.sql');
    for (const { service } of SERVICE_ENV_SCHEMAS) {
      const database = new URL(environmentOf(service)['DATABASE_URL']!).pathname.slice(1);
      expect(initSql).toContain(`CREATE DATABASE ${database};`);
    }
  });

  it("imports a Keycloak realm whose users, roles, audience and issuer are the gateway's", () => {
    const realm = JSON.parse(read('deploy/keycloak/carecircle-realm.json')) as {
      realm: string;
      users: { id: string; username: string; attributes: { carecircle_role: string[] }; realmRoles: string[] }[];
      clients: {
        clientId: string;
        publicClient: boolean;
        attributes: Record<string, string>;
        redirectUris: string[];
        protocolMappers: { protocolMapper: string; config: Record<string, string> }[];
      }[];
    };
    const gateway = environmentOf('gateway');
    expect(gateway['GATEWAY_OIDC_ISSUER']).toBe(`http://localhost:8080/realms/${realm.realm}`);
    expect(gateway['GATEWAY_OIDC_JWKS_URL']).toBe(
      `http://keycloak:8080/realms/${realm.realm}/protocol/openid-connect/certs`,
    );
    const users = realm.users.map((user) => ({
      username: user.username,
      sub: user.id,
      role: user.attributes.carecircle_role,
      realmRoles: user.realmRoles,
    }));
    expect(users).toEqual(
      DEMO_USERS.map((user) => ({
        username: user.username,
        sub: user.sub,
        role: [user.role],
        realmRoles: [user.role],
      })),
    );
    const [console] = realm.clients;
    expect(console).toMatchObject({ publicClient: true, attributes: { 'pkce.code.challenge.method': 'S256' } });
    expect(console!.redirectUris).toEqual([`${gateway['GATEWAY_PUBLIC_URL']}/*`]);
    const audience = console!.protocolMappers.find((mapper) => mapper.protocolMapper === 'oidc-audience-mapper');
    expect(audience?.config['included.custom.audience']).toBe(gateway['GATEWAY_OIDC_AUDIENCE']);
    const role = console!.protocolMappers.find((mapper) => mapper.config['claim.name'] === 'carecircle_role');
    expect(role?.config).toMatchObject({
      'user.attribute': 'carecircle_role',
      multivalued: 'false',
      'access.token.claim': 'true',
    });
  });

  it('keeps no service that nothing uses (KurrentDB is not wired to any service)', () => {
    expect(Object.keys(services)).not.toContain('kurrentdb');
  });

  it('passes `docker-compose config -q` (Debian docker-compose, no engine needed; .ci/run installs it)', () => {
    const result = spawnSync('docker-compose', ['--file', join(root, 'docker-compose.yml'), 'config', '--quiet'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (result.error)
      throw new Error(`docker-compose could not be run (apt-get install docker-compose): ${result.error.message}`);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });
});
