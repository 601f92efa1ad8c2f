import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  NotFoundException,
  Post,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { TIMELINE_DEPS, type TimelineDeps } from '../timeline/timeline.deps';
import { DEMO_USERS, type DevIdentityProvider } from './dev-identity-provider';
import { Public } from '@carecircle/platform/service-kit';

/** `/dev-idp/*`: the development issuer's endpoints; 404 unless `GATEWAY_DEV_IDP=true`. */
@ApiExcludeController()
@Public()
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
    const tokens =
      typeof body?.username === 'string' ? await this.idp.signIn(body.username, this.deps.clock.now()) : undefined;
    if (!tokens) throw new UnauthorizedException('Unknown demo user');
    return tokens;
  }

  /** Sign-out: the bearer access token's session ends; its tokens are refused and live streams close. */
  @Post('logout')
  @HttpCode(204)
  async logout(@Headers('authorization') authorization?: string): Promise<void> {
    const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    const signedOut = token ? await this.idp.signOut(token, this.deps.clock.now()) : false;
    if (!signedOut) throw new UnauthorizedException('A valid access token of this issuer is required');
  }
}
