import { BadRequestException } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Express error middleware placed right after the JSON body parser. The parser's SyntaxError
 * message quotes the submitted body and Nest would send it back as is; the body may be PHI.
 */
export function hideMalformedBody(error: unknown, _req: IncomingMessage, _res: ServerResponse, next: (error: unknown) => void): void {
  const isParseFailure = typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'entity.parse.failed';
  next(isParseFailure ? new BadRequestException('Malformed request body') : error);
}
