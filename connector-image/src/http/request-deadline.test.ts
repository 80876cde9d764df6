// Whole requests must arrive within the deadline, except the streamed uploads exempted from it.
import express from 'express';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestDeadline } from './request-deadline.js';

function slowPost(port: number, path: string, totalMs: number): Promise<number | 'cut off'> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve('cut off'));
    let sent = 0;
    const timer = setInterval(() => {
      sent += 50;
      if (sent >= totalMs) {
        clearInterval(timer);
        req.end('last');
      } else req.write('x');
    }, 50);
    req.on('close', () => clearInterval(timer));
  });
}

describe('the per-request deadline', () => {
  test('a slow body on an ordinary route is cut off; an exempt upload may take longer', async () => {
    const app = express();
    app.use(requestDeadline(300, (req) => req.path.startsWith('/upload')));
    app.post(['/message', '/upload'], async (req, res) => {
      for await (const _chunk of req) { /* consume */ }
      res.status(204).end();
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect([408, 'cut off']).toContain(await slowPost(port, '/message', 1000));
      expect(await slowPost(port, '/upload', 1000)).toBe(204);
      expect(await slowPost(port, '/message', 100)).toBe(204);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
