import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { FhirRequestError, operationOutcome } from '@carecircle/gateway/application';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** FHIR routes answer refusals as OperationOutcome, saying where (FHIRPath) and what. */
@Catch(FhirRequestError)
export class FhirRequestErrorFilter implements ExceptionFilter {
  catch(error: FhirRequestError, host: ArgumentsHost): void {
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(error.status)
      .type(FHIR_JSON)
      .send(JSON.stringify(operationOutcome(error.issues)));
  }
}
