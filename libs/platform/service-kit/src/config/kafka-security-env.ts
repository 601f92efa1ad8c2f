import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  KAFKA_SASL_MECHANISMS,
  kafkaSecurityOptions,
  type KafkaConnectionOptions,
  type KafkaSecuritySettings,
} from '@carecircle/platform/messaging';
import { readServiceEnv, ServiceEnvError } from './service-env';

/** Kafka's TLS and SASL settings, checked together by `readKafkaSecuritySettings`. */
export const kafkaSecurityEnv = {
  KAFKA_SSL: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .describe('`true`: TLS to the brokers (SSL or SASL_SSL listeners). Production warns when it is not.'),
  KAFKA_SSL_CA_FILE: z
    .string()
    .optional()
    .describe("A PEM file with the CA of the brokers' certificates (a private CA); Node's trusted CAs when unset."),
  KAFKA_SASL_MECHANISM: z
    .enum(KAFKA_SASL_MECHANISMS, { error: `must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}` })
    .optional()
    .describe(`SASL mechanism (${KAFKA_SASL_MECHANISMS.join(', ')}); all three KAFKA_SASL_* or none.`),
  KAFKA_SASL_USERNAME: z.string().optional().describe('SASL user name.'),
  KAFKA_SASL_PASSWORD: z.string().optional().describe('SASL password (a secret).'),
};

/** The Kafka security settings, checked together: each problem names its variable, never a value. */
export function readKafkaSecuritySettings(
  env: NodeJS.ProcessEnv = process.env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): KafkaSecuritySettings {
  const config = readServiceEnv(kafkaSecurityEnv, env);
  const problems: string[] = [];
  const ssl = config.KAFKA_SSL === 'true';
  let caPem: string | undefined;
  if (config.KAFKA_SSL_CA_FILE !== undefined) {
    if (!ssl) problems.push('KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not true');
    try {
      caPem = readFile(config.KAFKA_SSL_CA_FILE);
    } catch {
      problems.push('KAFKA_SSL_CA_FILE cannot be read');
    }
    if (caPem !== undefined && !caPem.includes('-----BEGIN CERTIFICATE-----')) {
      problems.push('KAFKA_SSL_CA_FILE must hold a PEM certificate');
    }
  }
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = config;
  const anySasl = mechanism !== undefined || username !== undefined || password !== undefined;
  // SASL is all three or none: a user name without its password would fail only at the first connection.
  const parts = { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password };
  for (const [name, value] of Object.entries(parts)) {
    if (anySasl && value === undefined) problems.push(`${name} is required when any KAFKA_SASL_* is set`);
  }
  if (problems.length > 0) throw new ServiceEnvError(problems);
  return {
    ssl,
    ...(caPem !== undefined ? { caPem } : {}),
    ...(mechanism && username && password ? { sasl: { mechanism, username, password } } : {}),
  };
}

/** `ssl` and `sasl` for every Kafka client a service builds (producer, consumer, admin). */
export function readKafkaSecurity(env: NodeJS.ProcessEnv = process.env): Pick<KafkaConnectionOptions, 'ssl' | 'sasl'> {
  return kafkaSecurityOptions(readKafkaSecuritySettings(env));
}
