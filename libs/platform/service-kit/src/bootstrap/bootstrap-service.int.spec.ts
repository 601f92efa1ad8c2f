import { Body, Controller, Get, HttpCode, Module, NotFoundException, Param, Post } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { captureLogLines, createLogger } from '@carecircle/platform/observability';
import { Type } from 'class-transformer';
import { IsISO8601, IsString, Length, ValidateNested } from 'class-validator';
import { DomainError } from '../errors/domain-error';
import { HealthModule } from '../health/health.module';
import { bootstrapService, LISTENING_LOG_MESSAGE } from './bootstrap-service';

class ContactDto {
  @IsString()
  @Length(5, 20)
  phone!: string;
}

class ReferralDto {
  @IsString()
  memberId!: string;

  @IsISO8601()
  receivedAt!: string;

  @ValidateNested()
  @Type(() => ContactDto)
  contact!: ContactDto;
}

@Controller('referrals')
class ReferralController {
  @Post()
  @HttpCode(202)
  receive(@Body() referral: ReferralDto): { isDto: boolean } {
    return { isDto: referral instanceof ReferralDto };
  }

  @Get(':id')
  find(@Param('id') id: string): never {
    if (id === 'missing') throw new DomainError('enrollment.referral-unknown', 'No such referral', 'not-found');
    if (id === 'twice') throw { kind: 'domain-error', code: 'enrollment.already-enrolled', category: 'conflict' };
    if (id === 'special') throw { kind: 'domain-error', code: 'enrollment.teapot', message: 'Overridden by code' };
    if (id === 'plain') throw new NotFoundException('Plain Nest exception');
    throw { kind: 'domain-error', code: 'enrollment.consent-missing', message: 'Consent must be recorded first' };
  }
}

@Module({ imports: [HealthModule.forRoot()], controllers: [ReferralController] })
class TestServiceModule {}

describe('bootstrapService', () => {
  let app: INestApplication;
  let url: string;
  const logs = captureLogLines();

  beforeAll(async () => {
    app = await bootstrapService({
      name: 'test-service',
      rootModule: TestServiceModule,
      port: 0,
      logger: createLogger('test-service', { destination: logs.stream, level: 'info' }),
      domainErrors: { statusByCode: { 'enrollment.teapot': 418 } },
    });
    url = await app.getUrl();
  });

  afterAll(() => app.close());

  const post = (path: string, body: string) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('logs the bound port as JSON once listening', () => {
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ msg: LISTENING_LOG_MESSAGE, port: Number(new URL(url).port) }),
    );
  });

  it('hands the handler a validated DTO instance', async () => {
    const response = await post(
      '/referrals',
      JSON.stringify({ memberId: 'm-1', receivedAt: '2026-11-20T10:00:00Z', contact: { phone: '5550100' } }),
    );
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ isDto: true });
  });

  it('answers invalid input with field-level errors and without the submitted values', async () => {
    const submitted = { memberId: 42, receivedAt: 'Jane Doe', contact: { phone: '1' }, mrn: 'MRN-4711' };
    const response = await post('/referrals', JSON.stringify(submitted));
    const body = (await response.json()) as { errors: unknown[] };
    expect(response.status).toBe(400);
    expect(body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Request validation failed',
      errors: expect.arrayContaining([
        { field: 'memberId', constraints: ['memberId must be a string'] },
        { field: 'receivedAt', constraints: ['receivedAt must be a valid ISO 8601 date string'] },
        { field: 'contact.phone', constraints: ['phone must be longer than or equal to 5 characters'] },
        { field: 'mrn', constraints: ['property mrn should not exist'] },
      ]),
    });
    expect(body.errors).toHaveLength(4);
    expect(JSON.stringify(body)).not.toMatch(/Jane Doe|MRN-4711|"42"|: ?42/);
  });

  it('does not quote a malformed JSON body back', async () => {
    const response = await post('/referrals', '{"name": Jane Doe}');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Malformed request body' });
  });

  it('answers a 50,000-deep body with 400 before parsing it, and takes one at the depth limit to validation', async () => {
    const deep = await post('/referrals', '['.repeat(50_000) + ']'.repeat(50_000));
    expect(deep.status).toBe(400);
    expect(await deep.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'The JSON body is nested deeper than 64 levels',
    });
    const deepInside = await post(
      '/referrals',
      JSON.stringify({ memberId: 'm-1', contact: JSON.parse('{"phone":'.repeat(70) + '1' + '}'.repeat(70)) }),
    );
    expect(deepInside.status).toBe(400);
    expect(await deepInside.json()).toMatchObject({ message: 'The JSON body is nested deeper than 64 levels' });
    const atLimit = await post(
      '/referrals',
      JSON.stringify({ memberId: 'm-1', contact: JSON.parse('{"phone":'.repeat(62) + '1' + '}'.repeat(62)) }),
    );
    expect(atLimit.status).toBe(400);
    expect(await atLimit.json()).toMatchObject({ message: 'Request validation failed' });
    const utf16 = await fetch(`${url}/referrals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-16le' },
      body: Buffer.from(`${'['.repeat(70)}${']'.repeat(70)}`, 'utf16le'),
    });
    expect(utf16.status).toBe(400);
  });

  it('answers a body over the limit with 413 in the usual error shape, without quoting it', async () => {
    const response = await post(
      '/referrals',
      JSON.stringify({ memberId: 'Jane Doe', receivedAt: 'x'.repeat(200_000) }),
    );
    expect(response.status).toBe(413);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'The request body is larger than the limit of 102400 bytes',
    });
    expect(body).not.toContain('Jane Doe');
  });

  it.each([
    ['missing', 404, 'enrollment.referral-unknown', 'No such referral'],
    ['twice', 409, 'enrollment.already-enrolled', undefined],
    ['rule', 422, 'enrollment.consent-missing', 'Consent must be recorded first'],
    ['special', 418, 'enrollment.teapot', 'Overridden by code'],
  ])('maps the domain error thrown for %s to %i problem+json', async (id, status, code, detail) => {
    const response = await fetch(`${url}/referrals/${id}`);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = await response.json();
    expect(problem).toEqual({
      type: `urn:carecircle:problem:${code}`,
      title: expect.any(String),
      status,
      code,
      ...(detail ? { detail } : {}),
    });
  });

  it('leaves other exceptions to Nest and keeps query strings out of the 404 for an unknown route', async () => {
    expect((await fetch(`${url}/referrals/plain`)).status).toBe(404);
    const unknown = await fetch(`${url}/nowhere?mrn=MRN-4711`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /nowhere' });
  });

  it('publishes the OpenAPI document at /api/docs-json and the UI at /api/docs', async () => {
    const document = (await (await fetch(`${url}/api/docs-json`)).json()) as { info: { title: string }; paths: object };
    expect(document.info.title).toBe('CareCircle test-service');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/referrals', '/referrals/{id}', '/health']));
    expect((await fetch(`${url}/api/docs`)).status).toBe(200);
  });

  it('writes access log lines without query strings or bodies', async () => {
    await post(
      '/referrals?mrn=MRN-4711',
      JSON.stringify({ memberId: 'm-1', receivedAt: '2026-11-20T10:00:00Z', contact: { phone: 'Jane Doe 5550100' } }),
    );
    const access = logs.lines.filter((line) => line['msg'] === 'request completed' || line['msg'] === 'request failed');
    expect(access).toContainEqual(
      expect.objectContaining({ method: 'POST', path: '/referrals', route: '/referrals', statusCode: 202 }),
    );
    expect(JSON.stringify(logs.lines)).not.toMatch(/MRN-4711|Jane Doe/);
  });
});
