// The streaming client: a server that refuses after the headers gets no body at all (Expect:
// 100-continue), an exchange that stalls is aborted after the idle time, the upload's own failure is
// what the caller sees, and the address guard applies as for every outbound call.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { OutboundFailed, OutboundRefused } from './outbound-http.js';
import { openOutbound, readSmallBody } from './outbound-stream.js';

const loopback = { allowHttp: true, allowPrivateNetwork: true };

async function serve(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function countingSource(chunks: number): { body: Readable; read: () => number } {
  let read = 0;
  const body = new Readable({
    read() {
      read++;
      this.push(read <= chunks ? Buffer.alloc(64 * 1024, 1) : null);
    },
  });
  return { body, read: () => read };
}

describe('streaming outbound HTTP', () => {
  test('a refusal answered to Expect: 100-continue arrives before any of the body is read', async () => {
    const server = createServer();
    server.on('checkContinue', (_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"UnknownToken"}');
    });
    const url = await serve(server);
    try {
      const source = countingSource(1000);
      const response = await openOutbound({ url, method: 'POST', body: source.body, bodyLength: 64 * 1024 * 1000, idleTimeoutMs: 2000, expectContinue: true }, loopback);
      expect(response.status).toBe(401);
      expect(await readSmallBody(response.body)).toBe('{"error":"UnknownToken"}');
      expect(source.read()).toBe(0);
    } finally {
      server.close();
    }
  });

  test('an accepted upload streams the whole body; the source\'s failure is what the caller sees', async () => {
    let received = 0;
    const server = createServer(async (req, res) => {
      for await (const chunk of req) received += (chunk as Buffer).length;
      res.end('ok');
    });
    const url = await serve(server);
    try {
      const response = await openOutbound({ url, method: 'POST', body: countingSource(100).body, idleTimeoutMs: 2000, expectContinue: true }, loopback);
      expect(await readSmallBody(response.body)).toBe('ok');
      expect(received).toBe(100 * 64 * 1024);
      const failing = new Readable({ read() { this.destroy(new Error('the backend broke off')); } });
      await expect(openOutbound({ url, method: 'POST', body: failing, idleTimeoutMs: 2000 }, loopback)).rejects.toThrow('the backend broke off');
    } finally {
      server.close();
    }
  });

  test('an exchange in which nothing moves is aborted after the idle time', async () => {
    const server = createServer((_req, res) => {
      res.write('first bytes');
    });
    const url = await serve(server);
    try {
      const response = await openOutbound({ url, idleTimeoutMs: 200 }, loopback);
      const consumed = (async () => {
        for await (const _chunk of response.body) { /* read until it breaks */ }
      })();
      await expect(consumed).rejects.toBeInstanceOf(OutboundFailed);
      await expect(consumed).rejects.toThrow('no data moved for 200 ms');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('private addresses are refused unless allowed', async () => {
    await expect(openOutbound({ url: 'http://127.0.0.1:9/x', idleTimeoutMs: 1000 }, { allowHttp: true, allowPrivateNetwork: false })).rejects.toBeInstanceOf(OutboundRefused);
    await expect(openOutbound({ url: 'http://localhost:9/x', idleTimeoutMs: 1000 }, { allowHttp: true, allowPrivateNetwork: false })).rejects.toBeInstanceOf(OutboundRefused);
  });
});
