import type { Type } from '@nestjs/common';
import { declaredRoutes } from '@carecircle/platform/service-kit';
import { AppModule as ClinicianLiaison } from '../../apps/clinician-liaison/src/app.module';
import { AppModule as Enrollment } from '../../apps/enrollment/src/app.module';
import { AppModule as Gateway } from '../../apps/gateway/src/app.module';
import { AppModule as Outcomes } from '../../apps/outcomes/src/app.module';
import { AppModule as Scheduling } from '../../apps/scheduling/src/app.module';

const services: [string, Type<unknown>][] = [
  ['enrollment', Enrollment],
  ['scheduling', Scheduling],
  ['clinician-liaison', ClinicianLiaison],
  ['outcomes', Outcomes],
  ['gateway', Gateway],
];

describe('every HTTP route of every service declares its access action (or is public)', () => {
  it.each(services)('%s', (_name, rootModule) => {
    const routes = declaredRoutes(rootModule);
    expect(routes.length).toBeGreaterThan(3);
    expect(
      routes.filter((route) => route.access === undefined).map((route) => `${route.route} (${route.controller})`),
    ).toEqual([]);
  });

  it('finds an undeclared route (the check can fail)', () => {
    const routes = declaredRoutes(Outcomes);
    expect(routes.map((route) => route.route)).toContain('GET /api/outcomes/members/:memberId/trajectory');
  });
});
