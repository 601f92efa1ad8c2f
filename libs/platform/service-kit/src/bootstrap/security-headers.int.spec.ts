import { Controller, Get, Module, Post } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { captureLogLines, createLogger } from '@carecircle/platform/observability';
import { bootstrapService } from './bootstrap-service';

@Controller('members')
class MembersController {
  @Get(':id')
  find() {
    return { memberId: 'mbr_synthetic_0001' };
  }

  @Post()
  create() {
    return {};
  }
}

@Module({ controllers: [MembersController] })
class HeadersTestModule {}

/** Every service starts through `bootstrapService`: one real one over HTTP shows what all of them send. */
describe('bootstrapService security headers', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    app = await bootstrapService({
      name: 'headers-test',
      rootModule: HeadersTestModule,
      port: 0,
      logger: createLogger('headers-test', { destination: captureLogLines().stream, level: 'error' }),
    });
    url = await app.getUrl();
  });

  afterAll(() => app.close());

  it.each([
    ['an answer', 'GET', '/members/mbr_synthetic_0001'],
    ['a created answer', 'POST', '/members'],
    ['a 404', 'GET', '/nowhere'],
  ])(
    'sends HSTS, nosniff, no-store, no referrer and no framing on %s, and no X-Powered-By',
    async (_what, method, path) => {
      const response = await fetch(`${url}${path}`, { method });
      expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-powered-by')).toBeNull();
    },
  );
});
