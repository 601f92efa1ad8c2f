import { isLoopbackHost, isPlainHttpToRemoteHost, productionMode } from './production-mode';

describe('productionMode', () => {
  it('is on with NODE_ENV=production or AUTH_REQUIRED=true, and off for what npm start sets (neither)', () => {
    expect(productionMode({ NODE_ENV: 'production' })).toBe(true);
    expect(productionMode({ AUTH_REQUIRED: 'true' })).toBe(true);
    expect(productionMode({ NODE_ENV: 'production', AUTH_REQUIRED: 'false' })).toBe(true);
    expect(productionMode({ NODE_ENV: ' production ' })).toBe(true);
    expect(productionMode({})).toBe(false);
    expect(productionMode({ NODE_ENV: 'development', AUTH_REQUIRED: 'false' })).toBe(false);
    expect(productionMode({ NODE_ENV: 'test' })).toBe(false);
  });
});

describe('isPlainHttpToRemoteHost', () => {
  it('flags plain http to any host but loopback', () => {
    expect(isPlainHttpToRemoteHost('http://gateway.carecircle.svc/.well-known/jwks.json')).toBe(true);
    expect(isPlainHttpToRemoteHost('http://10.0.0.7:3000/jwks')).toBe(true);
    expect(isPlainHttpToRemoteHost('http://127.0.0.1.example.test/jwks')).toBe(true);
    expect(isPlainHttpToRemoteHost('http://localhost.example.test/jwks')).toBe(true);
  });

  it('accepts https, loopback http, and leaves what is no URL to the caller', () => {
    const safe = ['https://login.example.test', 'http://127.0.0.1:3000/jwks', 'http://localhost:3000', 'http://[::1]/'];
    for (const url of [...safe, 'http://127.1.2.3/']) expect(isPlainHttpToRemoteHost(url)).toBe(false);
    expect(isPlainHttpToRemoteHost('carecircle-gateway')).toBe(false);
  });

  it('knows loopback hosts', () => {
    const loopback = ['localhost', 'LOCALHOST', 'api.localhost', '127.0.0.1', '127.255.0.9', '[::1]'];
    for (const host of loopback) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['example.test', '10.0.0.1', '128.0.0.1', '0.0.0.0']) expect(isLoopbackHost(host)).toBe(false);
  });
});
