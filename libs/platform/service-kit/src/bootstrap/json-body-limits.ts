import type { IncomingMessage } from 'node:http';

/** How deeply a JSON body may nest (`JSON_MAX_DEPTH`): `{}` is 1 level, `{"a":[1]}` is 2. */
export const DEFAULT_JSON_MAX_DEPTH = 64;

/** The body-parser error `type` of a body refused for its depth. */
export const JSON_TOO_DEEP = 'entity.too.deep';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether a UTF-8 JSON text nests deeper than `maxDepth`: one pass over the bytes counting brackets
 * outside strings, stopping at the first level too many. Runs before `JSON.parse`, so a deep body
 * never reaches the recursive code after the parser (class-transformer, validators, FHIR walkers).
 * UTF-8 continuation bytes are >= 0x80, so they are never taken for a bracket or a quote.
 * Malformed text may miscount; the parser refuses it anyway.
 */
export function exceedsJsonDepth(utf8: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < utf8.length; i++) {
    const byte = utf8[i];
    if (byte === QUOTE) {
      i = closingQuote(utf8, i);
      if (i < 0) return false;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** Where the string opened at `open` ends (-1 if it does not): the native `indexOf` skips most of the bytes. */
function closingQuote(utf8: Uint8Array, open: number): number {
  let at = open;
  for (;;) {
    at = utf8.indexOf(QUOTE, at + 1);
    if (at < 0) return -1;
    let backslashes = 0;
    while (utf8[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/** What body-parser's `verify` throws for a body nested too deeply; its `status` and `type` survive body-parser. */
export class JsonTooDeepError extends Error {
  readonly status = 400;
  readonly type = JSON_TOO_DEEP;
  constructor(readonly maxDepth: number) {
    super(`The JSON body is nested deeper than ${maxDepth} levels`);
  }
}

/**
 * body-parser's `verify` option: refuses a body nested deeper than `maxDepth` before it is parsed.
 * Bodies in another Unicode charset (`charset=utf-16`) are re-encoded first, as their bytes may hold
 * bracket values inside other characters.
 */
export function rejectDeepJson(
  maxDepth: number,
): (req: IncomingMessage, res: unknown, body: Buffer, encoding: string | null) => void {
  return (_req, _res, body, encoding) => {
    const utf8 =
      !encoding || encoding.toLowerCase() === 'utf-8' ? body : Buffer.from(decodeCharset(body, encoding), 'utf8');
    if (exceedsJsonDepth(utf8, maxDepth)) throw new JsonTooDeepError(maxDepth);
  };
}

function decodeCharset(body: Buffer, encoding: string): string {
  try {
    return new TextDecoder(encoding).decode(body);
  } catch {
    throw Object.assign(new Error('Unsupported charset'), { status: 415, type: 'charset.unsupported' });
  }
}

/** A body refused before any handler ran: the status, and words for the client that never quote the body. */
export interface BodyRejection {
  status: 400 | 413 | 415;
  reason: 'too-large' | 'too-deep' | 'malformed' | 'unsupported-encoding';
  message: string;
}

/**
 * What a body parser's error means for the client, or undefined for an error that is not about
 * the body. The parsers' own messages may quote the body (a SyntaxError does), so none is reused.
 */
export function bodyRejection(error: unknown): BodyRejection | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, limit } = error as { type?: unknown; limit?: unknown };
  switch (type) {
    case 'entity.too.large':
      return {
        status: 413,
        reason: 'too-large',
        message: `The request body is larger than the limit${typeof limit === 'number' ? ` of ${limit} bytes` : ''}`,
      };
    case 'parameters.too.many':
      return { status: 413, reason: 'too-large', message: 'The form body has too many parameters' };
    case JSON_TOO_DEEP:
      return {
        status: 400,
        reason: 'too-deep',
        message: `The JSON body is nested deeper than ${(error as JsonTooDeepError).maxDepth} levels`,
      };
    case 'querystring.parse.rangeError':
      return { status: 400, reason: 'too-deep', message: 'The form body is nested too deeply' };
    case 'entity.parse.failed':
    case 'request.size.invalid':
    case 'request.aborted':
      return { status: 400, reason: 'malformed', message: 'Malformed request body' };
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return {
        status: 415,
        reason: 'unsupported-encoding',
        message: 'The body charset or content encoding is not supported',
      };
    default:
      return undefined;
  }
}
