import { envelopeSchema, type Envelope } from '@carecircle/contracts';
import { InvalidEnvelopeError, UnreadableMessageError } from './message-rejections';

export interface DecodedMessage {
  /** The whole JSON value, for the route's own (stricter) schema. */
  value: unknown;
  envelope: Envelope;
}

/** Bytes → JSON → envelope. Throws a `PoisonMessageError` when any step cannot succeed. */
export function decodeMessage(raw: unknown): DecodedMessage {
  const value = readJson(raw);
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) throw new InvalidEnvelopeError(envelope.error);
  return { value, envelope: envelope.data };
}

function readJson(raw: unknown): unknown {
  if (raw === null || raw === undefined) throw new UnreadableMessageError('value is empty');
  if (!Buffer.isBuffer(raw) && typeof raw !== 'string') return raw; // already parsed by Nest's default parser
  const text = raw.toString();
  if (text.length === 0) throw new UnreadableMessageError('value is empty');
  try {
    return JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the input; ours does not.
    throw new UnreadableMessageError('value is not JSON');
  }
}

/** The message value as bytes/text again, for the dead-letter topic. */
export function rawValue(raw: unknown): Buffer | string | null {
  if (raw === null || raw === undefined) return null;
  if (Buffer.isBuffer(raw) || typeof raw === 'string') return raw;
  return JSON.stringify(raw);
}
