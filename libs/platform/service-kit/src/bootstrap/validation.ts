import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

export interface FieldValidationError {
  /** Dotted path of the property, e.g. `contact.phone` or `sessions.0.startsAt`. */
  field: string;
  /** class-validator's messages, which name the property and the rule, never the submitted value. */
  constraints: string[];
}

/** The 400 body for invalid input. */
export interface ValidationProblem {
  statusCode: 400;
  error: 'Bad Request';
  message: string;
  errors: FieldValidationError[];
}

/**
 * whitelist + forbidNonWhitelisted: unknown properties are rejected, not silently dropped;
 * transform: handlers receive DTO instances. The error body lists fields and rules only:
 * submitted values may be PHI, so they are neither echoed nor kept on the error objects.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new BadRequestException(validationProblem(errors)),
  });
}

export function validationProblem(errors: ValidationError[]): ValidationProblem {
  return { statusCode: 400, error: 'Bad Request', message: 'Request validation failed', errors: fieldErrors(errors) };
}

export function fieldErrors(errors: ValidationError[], parentPath = ''): FieldValidationError[] {
  return errors.flatMap((error) => {
    const field = parentPath ? `${parentPath}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, constraints: Object.values(error.constraints) }] : [];
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}
