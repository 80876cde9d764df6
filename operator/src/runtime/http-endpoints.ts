import http from 'node:http';
import type { AddressInfo } from 'node:net';

// The manager's plain HTTP endpoints (/metrics; /healthz and /readyz): a few fixed GET routes, so
// node:http suffices and the operator carries no web framework.

export interface ListenAddress {
  host: string;
  port: number;
}

export interface RouteResponse {
  status: number;
  body: string;
  contentType?: string;
}

export type Route = () => Promise<RouteResponse> | RouteResponse;

export interface RunningEndpoint {
  /** The address actually bound (port 0 resolves to a free port). */
  address: ListenAddress;
  close(): Promise<void>;
}

/** Parses `host:port` (IPv6 as `[::1]:8080`), naming `field` in the error. */
export function parseListenAddress(text: string, field: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:\s]*)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new Error(`${field}: "${text}" is not host:port (e.g. "127.0.0.1:8080" or ":8080")`);
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

export async function serveRoutes(address: ListenAddress, routes: Record<string, Route>): Promise<RunningEndpoint> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = routes[path];
    if (!route || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(route ? 405 : 404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(route ? 'method not allowed\n' : 'not found\n');
      return;
    }
    Promise.resolve()
      .then(route)
      .then(
        (out) => res.writeHead(out.status, { 'Content-Type': out.contentType ?? 'text/plain; charset=utf-8' }).end(req.method === 'HEAD' ? undefined : out.body),
        (err: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`internal error: ${(err as Error).message}\n`),
      );
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return {
    address: { host: bound.address, port: bound.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
