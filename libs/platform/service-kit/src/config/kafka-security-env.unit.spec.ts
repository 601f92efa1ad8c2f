import { ServiceEnvError } from './service-env';
import { readKafkaSecurity, readKafkaSecuritySettings } from './kafka-security-env';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBsyntheticCA\n-----END CERTIFICATE-----\n';
const files: Record<string, string> = { '/etc/kafka/ca.pem': PEM, '/etc/kafka/not-a-cert.txt': 'hello' };
const readFile = (path: string) => {
  const content = files[path];
  if (content === undefined) throw new Error(`ENOENT: ${path}`);
  return content;
};

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    readKafkaSecuritySettings(env, readFile);
  } catch (error) {
    if (error instanceof ServiceEnvError) return error.problems;
    throw error;
  }
  return [];
}

const SASL_INCOMPLETE = (name: string) => `${name} is required when any KAFKA_SASL_* is set`;

describe('Kafka TLS and SASL from the environment', () => {
  it('is plaintext without SASL when nothing is set (the local run)', () => {
    expect(readKafkaSecuritySettings({}, readFile)).toEqual({ ssl: false });
    expect(readKafkaSecurity({})).toEqual({});
  });

  it('reads KAFKA_SSL, the CA file and SASL into kafkajs options', () => {
    const env = {
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem',
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'carecircle-outcomes',
      KAFKA_SASL_PASSWORD: 'from-a-secret',
    };
    const sasl = { mechanism: 'scram-sha-256', username: 'carecircle-outcomes', password: 'from-a-secret' };
    expect(readKafkaSecuritySettings(env, readFile)).toEqual({ ssl: true, caPem: PEM, sasl });
    const credentials = { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' };
    const plain = { KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'plain', ...credentials };
    expect(readKafkaSecurity(plain)).toEqual({ ssl: true, sasl: { mechanism: 'plain', username: 'u', password: 'p' } });
  });

  it('names the missing half of SASL credentials, never a value', () => {
    const problems = problemsOf({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'carecircle-gateway' });
    expect(problems).toEqual([SASL_INCOMPLETE('KAFKA_SASL_PASSWORD')]);
    expect(problems.join()).not.toContain('carecircle-gateway');
    const passwordOnly = problemsOf({ KAFKA_SASL_PASSWORD: 'hunter2' });
    expect(passwordOnly).toEqual([SASL_INCOMPLETE('KAFKA_SASL_MECHANISM'), SASL_INCOMPLETE('KAFKA_SASL_USERNAME')]);
    expect(passwordOnly.join()).not.toContain('hunter2');
  });

  it('refuses an unknown mechanism, a CA file that is missing, no certificate, or set without TLS', () => {
    const sasl = { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SASL_MECHANISM: 'gssapi' };
    expect(problemsOf(sasl)).toEqual(['KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512']);
    expect(problemsOf({ KAFKA_SSL: 'yes' })).toEqual(['KAFKA_SSL must be true or false']);
    const ca = (file: string, ssl = 'true') => problemsOf({ KAFKA_SSL: ssl, KAFKA_SSL_CA_FILE: file });
    expect(ca('/etc/kafka/missing.pem')).toEqual(['KAFKA_SSL_CA_FILE cannot be read']);
    expect(ca('/etc/kafka/not-a-cert.txt')).toEqual(['KAFKA_SSL_CA_FILE must hold a PEM certificate']);
    expect(ca('/etc/kafka/ca.pem', 'false')).toEqual(['KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not true']);
  });
});
