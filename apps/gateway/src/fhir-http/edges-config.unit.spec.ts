import { readGatewayConfig } from '../gateway.config';
import { addressBucket, rateLimitKey, rateLimitOf } from './rate-limit.guard';

describe('gateway edge configuration', () => {
  it('reads the caller address from the TCP peer unless GATEWAY_TRUST_PROXY names the proxies, and never trusts every proxy', () => {
    expect(readGatewayConfig({}).trustProxy).toBe(false);
    expect(readGatewayConfig({ GATEWAY_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(readGatewayConfig({ GATEWAY_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
    ]);
    expect(() => readGatewayConfig({ GATEWAY_TRUST_PROXY: 'true' })).toThrow(
      /GATEWAY_TRUST_PROXY must name the proxies/,
    );
  });

  it('takes per-principal and per-address limits from GATEWAY_RATE_LIMITS, naming the variable and not the value on error', () => {
    const limits = readGatewayConfig({
      GATEWAY_RATE_LIMITS: JSON.stringify({ principals: { 'ehr-epic': { burst: 300, perSecond: 150 } } }),
    }).rateLimits;
    expect(rateLimitOf(limits, 'client:ehr-epic')).toEqual({ burst: 300, perSecond: 150 });
    expect(rateLimitOf(limits, 'person:clin_1')).toBeUndefined(); // the default per-principal limit
    expect(rateLimitOf(limits, 'address:10.0.0.1')).toEqual({ burst: 60, perSecond: 10 });
    expect(rateLimitOf(limits, 'client:constructor')).toBeUndefined();
    expect(() => readGatewayConfig({ GATEWAY_RATE_LIMITS: '{"principals":{"x":{"burst":"lots-secret"}}}' })).toThrow(
      /GATEWAY_RATE_LIMITS must be JSON/,
    );
    expect(() =>
      readGatewayConfig({ GATEWAY_RATE_LIMITS: '{"principals":{"x":{"burst":"lots-secret"}}}' }),
    ).not.toThrow(/lots-secret/);
  });

  it('keys a request by its principal when its token is valid, else by its address', () => {
    expect(rateLimitKey({ kind: 'system', id: 'ehr', scope: 'system/*.rs' }, '10.0.0.1')).toBe('client:ehr');
    expect(rateLimitKey({ kind: 'human', id: 'clin_1', role: 'clinician' }, '10.0.0.1')).toBe('person:clin_1');
    expect(rateLimitKey(undefined, '10.0.0.1')).toBe('address:10.0.0.1');
  });

  it('gives an IPv6 /64 one bucket, and an IPv4 address (mapped or not) its own', () => {
    expect(addressBucket('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:0db8:0001:0002:ffff:ffff:ffff:fffe')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('2001:db8:1:3::1')).not.toBe(addressBucket('2001:db8:1:2::1'));
  });

  it('needs GATEWAY_PUBLIC_URL in production; elsewhere links default to the local port, never the Host header', () => {
    expect(() => readGatewayConfig({ NODE_ENV: 'production', GATEWAY_SIGNING_KEY: undefined })).toThrow(
      /GATEWAY_PUBLIC_URL is required when AUTH_REQUIRED is true or NODE_ENV is production/,
    );
    expect(readGatewayConfig({ PORT: '3999' }).baseUrl).toBe('http://localhost:3999');
    expect(readGatewayConfig({ GATEWAY_PUBLIC_URL: 'https://carecircle.example/' }).baseUrl).toBe(
      'https://carecircle.example',
    );
  });
});
