import { logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { MessagingLogFields, MessagingLogLevel, MessagingLogger } from './messaging-logger';

/**
 * kafkajs log fields kept when forwarding. An allow-list, not a deny-list: kafkajs attaches whatever
 * the failing request held, and only these are known to be ids and numbers rather than data.
 */
const FORWARDED_FIELDS = [
  'error',
  'broker',
  'clientId',
  'groupId',
  'memberId',
  'topic',
  'partition',
  'offset',
  'retryCount',
  'retryTime',
  'correlationId',
  'apiName',
  'apiVersion',
  'type',
  'code',
] as const;

/** Routes kafkajs's own logs (connections, rebalances, retries) to the service's logger instead of the console. */
export function kafkajsLogCreator(logger: MessagingLogger): logCreator {
  return () => (entry: LogEntry) => {
    const level = toMessagingLevel(entry.level);
    if (!level) return;
    logger({
      level,
      source: `kafkajs.${entry.namespace || 'client'}`,
      message: entry.log.message,
      fields: pickFields(entry.log),
    });
  };
}

function toMessagingLevel(level: logLevel): MessagingLogLevel | undefined {
  switch (level) {
    case logLevel.ERROR:
      return 'error';
    case logLevel.WARN:
      return 'warn';
    case logLevel.INFO:
      return 'info';
    case logLevel.DEBUG:
      return 'debug';
    default:
      return undefined;
  }
}

function pickFields(log: LogEntry['log']): MessagingLogFields {
  const fields: MessagingLogFields = {};
  for (const name of FORWARDED_FIELDS) {
    const value: unknown = log[name];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[name] = value;
  }
  return fields;
}
