import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument } from '@carecircle/platform/service-kit';
import { AppModule as ClinicianLiaisonModule } from '../../apps/clinician-liaison/src/app.module';
import { AppModule as EnrollmentModule } from '../../apps/enrollment/src/app.module';
import { AppModule as GatewayModule } from '../../apps/gateway/src/app.module';
import { AppModule as OutcomesModule } from '../../apps/outcomes/src/app.module';
import { AppModule as SchedulingModule } from '../../apps/scheduling/src/app.module';

/** Each service's root module, under the name its document is written as (`docs/openapi/<name>.json`). */
export const SERVICE_MODULES: Readonly<Record<string, Type<unknown>>> = {
  'clinician-liaison': ClinicianLiaisonModule,
  enrollment: EnrollmentModule,
  gateway: GatewayModule,
  outcomes: OutcomesModule,
  scheduling: SchedulingModule,
};

export const OPENAPI_DIR = 'docs/openapi';

/**
 * The service's OpenAPI document, built from its module's controllers without starting it: preview mode
 * resolves the module graph but instantiates nothing, so no database, broker or port is touched.
 */
export async function serviceOpenApiDocument(service: string): Promise<OpenAPIObject> {
  const rootModule = SERVICE_MODULES[service];
  if (!rootModule) throw new Error(`No service named ${service}`);
  const app = await NestFactory.create(rootModule, { preview: true, logger: false, abortOnError: false });
  try {
    return buildOpenApiDocument(app, service);
  } finally {
    await app.close();
  }
}

/** The file's text: two-space JSON and a final newline, so that a regenerated file differs only where the API does. */
export function openApiFileText(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
