import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Header on every push (webhooks and FHIR creates): `t=<unix seconds>,v1=<hex HMAC-SHA256 over "<t>.<body>">`
 * keyed with `LIAISON_WEBHOOK_SECRET`. A retry is signed afresh, with the time it is sent.
 */
export const SIGNATURE_HEADER = 'x-carecircle-signature';

/**
 * `true` on a push taken over from a replica that died holding it: that one may have been sent already
 * (an HTTP push cannot be exactly-once across a crash). Receivers deduplicate on the alert id either way.
 */
export const POSSIBLE_DUPLICATE_HEADER = 'x-carecircle-possible-duplicate';

/** How far a signature's timestamp may lie from the receiver's clock, either way: 5 minutes. */
export const WEBHOOK_REPLAY_WINDOW_SECONDS = 300;

export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${hmacHex(secret, timestampSeconds, body)}`;
}

export type WebhookVerification =
  | { valid: true; timestampSeconds: number }
  | { valid: false; reason: 'missing' | 'malformed' | 'too-old' | 'in-the-future' | 'mismatch' };

type HeaderBag = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * For receivers (and our tests): is `body` what CareCircle signed with `secret`, within `windowSeconds`
 * of `now`? A replay outside the window is refused; inside it, receivers deduplicate on the alert id
 * (`x-carecircle-alert-id`, or the FHIR resource's identifier). Verify the raw body bytes, before parsing.
 */
export function verifyWebhookSignature(
  secret: string,
  headers: HeaderBag,
  body: string,
  now: Date,
  windowSeconds: number = WEBHOOK_REPLAY_WINDOW_SECONDS,
): WebhookVerification {
  const header = headerValue(headers, SIGNATURE_HEADER);
  if (header === undefined) return { valid: false, reason: 'missing' };
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return { valid: false, reason: 'malformed' };
  const timestampSeconds = Number(match[1]);
  const age = Math.floor(now.getTime() / 1000) - timestampSeconds;
  if (age > windowSeconds) return { valid: false, reason: 'too-old' };
  if (age < -windowSeconds) return { valid: false, reason: 'in-the-future' };
  const expected = Buffer.from(hmacHex(secret, timestampSeconds, body), 'hex');
  const given = Buffer.from(match[2]!, 'hex');
  return timingSafeEqual(expected, given) ? { valid: true, timestampSeconds } : { valid: false, reason: 'mismatch' };
}

function hmacHex(secret: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
}

function headerValue(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const entry = Object.entries(headers as Record<string, string | readonly string[] | undefined>).find(
    ([key]) => key.toLowerCase() === name,
  );
  const value = entry?.[1];
  return typeof value === 'string' ? value : undefined; // a repeated header is not a signature
}
