/**
 * The library logs through a plain function so services can route it to pino with their trace ids.
 * Entries carry ids, topics, partitions, offsets and error classes only: never payload values (PHI).
 */
export type MessagingLogLevel = 'error' | 'warn' | 'info' | 'debug';

export type MessagingLogFields = Record<string, string | number | boolean | undefined>;

export interface MessagingLogEntry {
  level: MessagingLogLevel;
  /** Where it came from, e.g. `outbox-relay`, `kafkajs.Consumer`. */
  source: string;
  message: string;
  fields?: MessagingLogFields;
}

export type MessagingLogger = (entry: MessagingLogEntry) => void;

/** Default when a service passes no logger: warnings and errors only, as one JSON line on stderr. */
export const warningsToStderr: MessagingLogger = (entry) => {
  if (entry.level === 'error') console.error(JSON.stringify(entry));
  else if (entry.level === 'warn') console.warn(JSON.stringify(entry));
};

export const silentLogger: MessagingLogger = () => undefined;
