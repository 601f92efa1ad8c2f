import { HttpException } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { bodyRejection, type BodyRejection } from './json-body-limits';

/** A body the parser refused (too large, too deep, malformed), in Nest's usual 4xx shape. */
export class RefusedBodyException extends HttpException {
  constructor(readonly rejection: BodyRejection) {
    super(
      { statusCode: rejection.status, error: STATUS_CODES[rejection.status], message: rejection.message },
      rejection.status,
    );
  }
}

/**
 * Express error middleware placed right after the JSON body parser. The parser's SyntaxError
 * message quotes the submitted body and Nest would send it back as is; the body may be PHI.
 * Every refusal of the parser (size, depth, syntax, charset) becomes a 4xx in our own words.
 */
export function hideMalformedBody(
  error: unknown,
  _req: IncomingMessage,
  _res: ServerResponse,
  next: (error: unknown) => void,
): void {
  const rejection = bodyRejection(error);
  next(rejection ? new RefusedBodyException(rejection) : error);
}
