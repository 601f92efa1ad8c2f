import { levelForStatus } from './http-access-log';

describe('the access log level of an answer', () => {
  it('is error for a 5xx or a thrown error, warn for a refusal or bad input, info for success and not-found', () => {
    expect([200, 201, 404].map((status) => levelForStatus(status))).toEqual(['info', 'info', 'info']);
    expect([400, 401, 403, 409, 413, 429].map((status) => levelForStatus(status))).toEqual(Array(6).fill('warn'));
    expect([500, 503].map((status) => levelForStatus(status))).toEqual(['error', 'error']);
    expect(levelForStatus(200, new Error('socket hang up'))).toBe('error');
  });
});
