import { RequestMethod, type DynamicModule, type Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { IS_PUBLIC_ROUTE } from '../auth/caller';
import { ACCESS_METADATA, type AccessMetadata } from './access.decorator';

export interface DeclaredRoute {
  route: string;
  controller: string;
  /** The declared action, `public`, or undefined when the route declares neither (a defect: it refuses everyone). */
  access: AccessMetadata | 'public' | undefined;
}

function controllersOf(module: Type<unknown> | DynamicModule, seen = new Set<unknown>()): Type<unknown>[] {
  const type = 'module' in module ? module.module : module;
  if (seen.has(module)) return [];
  seen.add(module);
  const own = [
    ...((Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, type) as Type<unknown>[] | undefined) ?? []),
    ...('module' in module ? (module.controllers ?? []) : []),
  ];
  const imports = [
    ...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, type) as (Type<unknown> | DynamicModule)[] | undefined) ?? []),
    ...('module' in module ? (module.imports ?? []) : []),
  ];
  return [
    ...own,
    ...imports
      .filter(
        (imported): imported is Type<unknown> | DynamicModule =>
          typeof imported === 'function' || (typeof imported === 'object' && imported !== null && 'module' in imported),
      )
      .flatMap((imported) => controllersOf(imported, seen)),
  ];
}

/**
 * Every HTTP route a module tree serves, with what it declares: a test asserts none is undeclared. Kafka
 * handlers (no HTTP method) are not routes.
 */
export function declaredRoutes(rootModule: Type<unknown> | DynamicModule): DeclaredRoute[] {
  return [...new Set(controllersOf(rootModule))].flatMap((controller) => {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const prototype = controller.prototype as object;
    return Object.getOwnPropertyNames(prototype).flatMap((name) => {
      const handler: unknown = Object.getOwnPropertyDescriptor(prototype, name)?.value; // never run a getter
      if (name === 'constructor' || typeof handler !== 'function') return [];
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (method === undefined || path === undefined) return [];
      const isPublic =
        Reflect.getMetadata(IS_PUBLIC_ROUTE, handler) === true ||
        Reflect.getMetadata(IS_PUBLIC_ROUTE, controller) === true;
      const access = (Reflect.getMetadata(ACCESS_METADATA, handler) ??
        Reflect.getMetadata(ACCESS_METADATA, controller)) as AccessMetadata | undefined;
      return [
        {
          route: `${RequestMethod[method]} /${[base, path].filter((part) => part && part !== '/').join('/')}`,
          controller: controller.name,
          access: isPublic ? 'public' : access,
        },
      ];
    });
  });
}
