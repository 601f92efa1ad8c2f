import { commonServiceEnv, envVar, readServiceEnv, ServiceEnvError } from './service-env';

describe('readServiceEnv', () => {
  it('applies defaults and parses what is set', () => {
    const env = readServiceEnv(commonServiceEnv(3103), {
      KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/outcomes',
      LOG_LEVEL: 'debug',
    });
    expect(env).toEqual({
      PORT: 3103,
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/outcomes',
      KAFKA_BROKERS: ['127.0.0.1:9092', '127.0.0.1:9093'],
      JSON_MAX_DEPTH: 64,
    });
  });

  it('takes PORT from the environment, 0 included, and treats a blank one as unset', () => {
    expect(readServiceEnv(commonServiceEnv(3000), { PORT: '0' }).PORT).toBe(0);
    expect(readServiceEnv(commonServiceEnv(3000), { PORT: '4000' }).PORT).toBe(4000);
    expect(readServiceEnv(commonServiceEnv(3000), { PORT: '  ' }).PORT).toBe(3000);
  });

  it('names every invalid or missing variable and quotes none of the values', () => {
    const shape = { ...commonServiceEnv(3101), DATABASE_URL: envVar.url() };
    const secret = 'hunter2';
    let error: unknown;
    try {
      readServiceEnv(shape, { PORT: `70000${secret}`, KAFKA_BROKERS: `${secret}, also-${secret}`, LOG_LEVEL: secret });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ServiceEnvError);
    const { message, problems } = error as ServiceEnvError;
    expect(problems).toEqual([
      'PORT must be an integer between 0 and 65535',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace',
      'DATABASE_URL is required',
      'KAFKA_BROKERS must be a comma-separated list of host:port',
    ]);
    expect(message).not.toContain(secret);
  });
});
