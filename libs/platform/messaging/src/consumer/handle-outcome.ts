/**
 * What became of one delivered message. Every status lets the partition move on:
 * - `processed`: the effect committed with its inbox row;
 * - `duplicate`: the inbox already had the event; nothing changed;
 * - `ignored`: a type this consumer does not handle (`declared` in `ignore`, or `unknown`: logged as a warning);
 * - `dead-lettered`: parked on the consumer group's dead-letter topic.
 */
export type HandleStatus = 'processed' | 'duplicate' | 'ignored' | 'dead-lettered';

export interface HandleOutcome {
  status: HandleStatus;
  topic: string;
  partition: number;
  offset: string;
  eventId?: string;
  type?: string;
  /** How many times the effect ran (0 when it never did). */
  attempts: number;
  ignoredBecause?: 'declared' | 'unknown';
  errorClass?: string;
}
