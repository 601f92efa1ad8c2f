import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Post, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { TIMELINE_DEPS, type TimelineDeps } from '../timeline/timeline.deps';
import { DEMO_USERS, type DevIdentityProvider } from './dev-identity-provider';

/** `/dev-idp/*`: the development issuer's endpoints; 404 unless `GATEWAY_DEV_IDP=true`. */
@ApiExcludeController()
@Controller('dev-idp')
export class DevIdentityProviderHttpController {
  constructor(@Inject(TIMELINE_DEPS) private readonly deps: TimelineDeps) {}

  private get idp(): DevIdentityProvider {
    if (!this.deps.devIdp) throw new NotFoundException();
    return this.deps.devIdp;
  }

  @Get('.well-known/openid-configuration')
  discovery() {
    return this.idp.discovery();
  }

  @Get('jwks')
  jwks() {
    return { keys: [this.idp.publicJwk] };
  }

  /** The demo users the sign-in page offers (synthetic). */
  @Get('users')
  users() {
    if (!this.deps.devIdp) throw new NotFoundException();
    return DEMO_USERS.map(({ username, name, role }) => ({ username, name, role }));
  }

  @Post('token')
  @HttpCode(200)
  async token(@Body() body: { username?: unknown }) {
    const tokens = typeof body?.username === 'string' ? await this.idp.signIn(body.username, this.deps.clock.now()) : undefined;
    if (!tokens) throw new UnauthorizedException('Unknown demo user');
    return tokens;
  }
}
