import { createHash } from 'node:crypto';

/** The alert id is derived from the member and deduplication key: one cause, one alert, whoever raises it. */
export function alertIdFor(memberId: string, dedupKey: string): string {
  const hex = createHash('sha256').update(`${memberId}\u0000${dedupKey}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
