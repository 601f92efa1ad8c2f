import {
  SIGNATURE_HEADER,
  signWebhook,
  verifyWebhookSignature,
  WEBHOOK_REPLAY_WINDOW_SECONDS,
  type WebhookVerification,
} from './webhook-signature';

const SECRET = 'secret-of-at-least-sixteen-chars';
const SENT_AT = 1_800_000_000;
const body = JSON.stringify({ alertId: '6f1c3e0a-1111-4c2d-9e8f-000000000001', severity: 'critical' });
const signed = { [SIGNATURE_HEADER]: signWebhook(SECRET, body, SENT_AT) };
const at = (seconds: number) => new Date(seconds * 1000);
const refused = (reason: string): WebhookVerification => ({ valid: false, reason }) as WebhookVerification;

describe('verifyWebhookSignature', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256 in a t=…,v1=… header', () => {
    expect(signed[SIGNATURE_HEADER]).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(WEBHOOK_REPLAY_WINDOW_SECONDS).toBe(300);
  });

  it('accepts a signature made with the secret over this body, within the window either way', () => {
    const accepted = { valid: true, timestampSeconds: SENT_AT };
    expect(verifyWebhookSignature(SECRET, signed, body, at(SENT_AT + 10))).toEqual(accepted);
    expect(verifyWebhookSignature(SECRET, signed, body, at(SENT_AT + 300)).valid).toBe(true);
    expect(verifyWebhookSignature(SECRET, signed, body, at(SENT_AT - 300)).valid).toBe(true);
    // Fetch's Headers (any case) as well as Node's lower-cased header object.
    const headers = new Headers({ 'X-CareCircle-Signature': signed[SIGNATURE_HEADER] });
    expect(verifyWebhookSignature(SECRET, headers, body, at(SENT_AT)).valid).toBe(true);
  });

  it('refuses a tampered body', () => {
    const tampered = body.replace('critical', 'info');
    expect(verifyWebhookSignature(SECRET, signed, tampered, at(SENT_AT))).toEqual(refused('mismatch'));
    expect(verifyWebhookSignature(SECRET, signed, `${body} `, at(SENT_AT))).toEqual(refused('mismatch'));
  });

  it('refuses a timestamp older than the window: a replay', () => {
    expect(verifyWebhookSignature(SECRET, signed, body, at(SENT_AT + 301))).toEqual(refused('too-old'));
    expect(verifyWebhookSignature(SECRET, signed, body, at(SENT_AT + 61), 60)).toEqual(refused('too-old'));
  });

  it('refuses a timestamp further in the future than the window', () => {
    expect(verifyWebhookSignature(SECRET, signed, body, at(SENT_AT - 301))).toEqual(refused('in-the-future'));
  });

  it('refuses a signature made with another secret', () => {
    const other = { [SIGNATURE_HEADER]: signWebhook('another-secret-of-sixteen-chars', body, SENT_AT) };
    expect(verifyWebhookSignature(SECRET, other, body, at(SENT_AT))).toEqual(refused('mismatch'));
  });

  it('refuses a missing or malformed header, and a timestamp moved to fit the window', () => {
    expect(verifyWebhookSignature(SECRET, {}, body, at(SENT_AT))).toEqual(refused('missing'));
    const malformed = { [SIGNATURE_HEADER]: 'v1=abc' };
    expect(verifyWebhookSignature(SECRET, malformed, body, at(SENT_AT))).toEqual(refused('malformed'));
    const restamped = { [SIGNATURE_HEADER]: signed[SIGNATURE_HEADER].replace(`t=${SENT_AT}`, `t=${SENT_AT + 600}`) };
    expect(verifyWebhookSignature(SECRET, restamped, body, at(SENT_AT + 600))).toEqual(refused('mismatch'));
  });
});
