import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const OPENAPI_PATH = 'api/docs';

/** Swagger UI at `/api/docs`, the OpenAPI JSON at `/api/docs-json`. */
export function setupOpenApi(app: INestApplication, serviceName: string): void {
  const config = new DocumentBuilder().setTitle(`CareCircle ${serviceName}`).setVersion('1').build();
  SwaggerModule.setup(OPENAPI_PATH, app, () => SwaggerModule.createDocument(app, config));
}
