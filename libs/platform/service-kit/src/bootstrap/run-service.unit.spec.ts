import { ServiceEnvError } from '../config/service-env';
import { checkServiceEnvironment, type RunServiceOptions } from './run-service';

type CheckOptions = Pick<RunServiceOptions, 'defaultPort' | 'authenticatesItself' | 'readConfig'>;

const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unit', KAFKA_BROKERS: '127.0.0.1:9092' };
const issuers = JSON.stringify([{ issuer: 'https://login.example.test', jwksUri: 'https://login.example.test/certs' }]);
const service: CheckOptions = { defaultPort: 3104 };
const IN_PRODUCTION = 'when AUTH_REQUIRED is true or NODE_ENV is production';

function problemsOf(env: NodeJS.ProcessEnv, options: CheckOptions = service): readonly string[] {
  try {
    checkServiceEnvironment(options, env);
  } catch (error) {
    if (error instanceof ServiceEnvError) return error.problems;
    throw error;
  }
  return [];
}

describe('checkServiceEnvironment, before a service opens any connection', () => {
  it('passes what npm start gives a service (no issuers needed outside production), with no warning', () => {
    const local = { ...base, DATABASE_SINGLE_SESSION: 'true' };
    expect(checkServiceEnvironment(service, local)).toEqual({ port: 3104, jsonMaxDepth: 64, warnings: [] });
  });

  it('collects every problem of every reader in one error, each variable named once', () => {
    const env = { LOG_LEVEL: 'chatty', KAFKA_BROKERS: 'no-port', KAFKA_SASL_USERNAME: 'u', NODE_ENV: 'production' };
    expect(problemsOf(env)).toEqual([
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace',
      'KAFKA_BROKERS must be a comma-separated list of host:port',
      'DATABASE_URL is required',
      'KAFKA_SASL_MECHANISM is required when any KAFKA_SASL_* is set',
      'KAFKA_SASL_PASSWORD is required when any KAFKA_SASL_* is set',
      `AUTH_TRUSTED_ISSUERS is required ${IN_PRODUCTION}`,
    ]);
  });

  it("includes the service's own configuration, whatever kind of error its reader throws", () => {
    const readConfig = () => {
      throw new Error(`LIAISON_FHIR_ENDPOINT must be https ${IN_PRODUCTION}`);
    };
    const problems = problemsOf(base, { ...service, readConfig });
    expect(problems).toEqual([`LIAISON_FHIR_ENDPOINT must be https ${IN_PRODUCTION}`]);
  });

  it('refuses embedded single-session PostgreSQL in production, and warns about Kafka without TLS', () => {
    const production = { ...base, NODE_ENV: 'production', AUTH_TRUSTED_ISSUERS: issuers };
    const embedded = { ...production, DATABASE_SINGLE_SESSION: 'true' };
    expect(problemsOf(embedded)).toEqual([`DATABASE_SINGLE_SESSION must not be true ${IN_PRODUCTION}`]);
    const { warnings } = checkServiceEnvironment(service, production);
    expect(warnings).toEqual([expect.stringMatching(/^KAFKA_SSL is not true/)]);
    const encrypted = { ...production, KAFKA_SSL: 'true' };
    expect(checkServiceEnvironment(service, encrypted)).toEqual({ port: 3104, jsonMaxDepth: 64, warnings: [] });
  });

  it('leaves the trusted issuers to services: the gateway authenticates its callers itself', () => {
    const gateway = { ...service, authenticatesItself: true };
    expect(problemsOf({ ...base, AUTH_REQUIRED: 'true', KAFKA_SSL: 'true' }, gateway)).toEqual([]);
  });
});
