import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of one dependency (PostgreSQL here), so a scenario can cut it or slow it
 * without touching the server other scenarios share:
 *  - `cut()`: every open connection is reset and new ones are refused (closed at once) until `resume()`;
 *  - `slow(ms)`: each chunk the client sends waits `ms` before it goes on (in order), so every query
 *    answers at least `ms` later; `slow(0)` ends that.
 */
export interface TcpProxy {
  /** `host:port` the clients connect to. */
  address: string;
  port: number;
  cut(): void;
  slow(ms: number): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let cut = false;
  let delayMs = 0;

  const server: Server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    const forget = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', forget).on('close', forget);
    upstream.on('error', forget).on('close', forget);
    // Client → server goes through a chain of timers when slowed, so chunks keep their order.
    let chain = Promise.resolve();
    client.on('data', (chunk) => {
      const wait = delayMs;
      if (wait === 0) {
        chain = chain.then(() => void upstream.write(chunk));
        return;
      }
      chain = chain.then(
        () => new Promise<void>((resolve) => setTimeout(() => (upstream.write(chunk), resolve()), wait)),
      );
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    cut: () => {
      cut = true;
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
    },
    slow: (ms) => (delayMs = ms),
    resume: () => {
      cut = false;
      delayMs = 0;
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
