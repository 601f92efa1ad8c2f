import { createLogger } from './create-logger';
import { captureLogLines } from './log-capture.testing';
import { PinoNestLogger } from './nest-logger';

describe('PinoNestLogger', () => {
  function nestLogger() {
    const { stream, lines } = captureLogLines();
    return { logger: new PinoNestLogger(createLogger('gateway', { destination: stream, level: 'trace' })), lines };
  }

  it('maps Nest levels and keeps the context as a field', () => {
    const { logger, lines } = nestLogger();
    logger.log('started', 'NestApplication');
    logger.warn('slow');
    logger.verbose('detail', 'RouterExplorer');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', msg: 'started', context: 'NestApplication' }),
      expect.objectContaining({ level: 'warn', msg: 'slow' }),
      expect.objectContaining({ level: 'trace', msg: 'detail', context: 'RouterExplorer' }),
    ]);
  });

  it('tells a stack from a context the way Nest passes them to error()', () => {
    const { logger, lines } = nestLogger();
    const stack = String(new Error('boom').stack);
    logger.error('failed', stack, 'ExceptionsHandler');
    logger.error('failed', stack);
    logger.error(new Error('thrown'), 'ExceptionsHandler');
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'failed', stack, context: 'ExceptionsHandler' });
    expect(lines[1]).toMatchObject({ msg: 'failed', stack });
    expect(lines[1]).not.toHaveProperty('context');
    expect(lines[2]).toMatchObject({
      msg: 'thrown',
      context: 'ExceptionsHandler',
      err: expect.objectContaining({ message: 'thrown' }),
    });
  });
});
