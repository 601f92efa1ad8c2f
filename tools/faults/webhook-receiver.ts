import { createServer } from 'node:http';

/**
 * The hospital's webhook endpoint as the suite sees it: answers 200 to every push and counts the pushes
 * per alert (`x-carecircle-alert-id`), so a check can say whether each alert arrived exactly once.
 */
export interface WebhookReceiver {
  url: string;
  /** Pushes received, by alert id. */
  counts(): Map<string, number>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const counts = new Map<string, number>();
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const alertId = request.headers['x-carecircle-alert-id'];
      if (typeof alertId === 'string') counts.set(alertId, (counts.get(alertId) ?? 0) + 1);
      response.writeHead(200).end();
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    counts: () => counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
