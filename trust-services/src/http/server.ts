// Listening and closing: the services bind loopback unless configured otherwise (in a pod, the operator
// sets 0.0.0.0), and close waits for open connections so a restart does not cut a write in half.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';

export interface RunningServer {
  server: Server;
  /** http://host:port of the bound socket. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(handler: RequestListener | undefined, options: { host: string; port: number }): Promise<RunningServer> {
  const server = createServer(handler);
  // Bounded so a slow client cannot hold a socket forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    server,
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
