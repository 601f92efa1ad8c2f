import { POSSIBLE_DUPLICATE_HEADER } from '@carecircle/clinician-liaison/application';
import { createServer } from 'node:http';

/**
 * The hospital's webhook endpoint as the suite sees it: answers 200 to every push and counts the pushes
 * per alert (`x-carecircle-alert-id`), so a check can say whether each alert arrived exactly once.
 * A push flagged `x-carecircle-possible-duplicate` (a replica took over a push whose sender died holding
 * it, maybe after sending it) is counted apart: across a kill -9 an HTTP push can only be at least once.
 */
export interface WebhookReceiver {
  url: string;
  /** Pushes received, by alert id, not counting those flagged as possible duplicates. */
  counts(): Map<string, number>;
  /** Pushes flagged as possible duplicates, by alert id. */
  possibleDuplicates(): Map<string, number>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const counts = new Map<string, number>();
  const flagged = new Map<string, number>();
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const alertId = request.headers['x-carecircle-alert-id'];
      const tally = request.headers[POSSIBLE_DUPLICATE_HEADER] === 'true' ? flagged : counts;
      if (typeof alertId === 'string') tally.set(alertId, (tally.get(alertId) ?? 0) + 1);
      response.writeHead(200).end();
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    counts: () => counts,
    possibleDuplicates: () => flagged,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
