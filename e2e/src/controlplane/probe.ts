import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { CertificateFiles } from './pki.js';

/** TLS material for talking to a loopback endpoint: our CA verifies it, a client certificate identifies us. */
export interface ProbeCredentials {
  caCert: string;
  client: CertificateFiles;
}

export interface ProbeAnswer {
  status: number;
  body: string;
}

/** One GET, verified against our CA; http:// URLs go without TLS. */
export function probe(url: string, credentials: ProbeCredentials, timeoutMs = 2_000): Promise<ProbeAnswer> {
  if (url.startsWith('http:')) {
    return fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).then(async (r) => ({ status: r.status, body: await r.text() }));
  }
  return new Promise((resolve, reject) => {
    const req = request(url, {
      ca: readFileSync(credentials.caCert),
      cert: readFileSync(credentials.client.cert),
      key: readFileSync(credentials.client.key),
      timeout: timeoutMs,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Polls `url` until it answers 200 (and `accept` agrees with the body), failing early when `exited`
 * settles: a component that died will not become ready, and its log says why.
 */
export async function waitUntilReady(what: string, url: string, credentials: ProbeCredentials, options: {
  timeoutMs: number;
  exited?: Promise<unknown>;
  accept?: (body: string) => boolean;
}): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let died = false;
  void options.exited?.then(() => (died = true));
  let last: string;
  for (let attempt = 0; ; attempt++) {
    if (died) throw new ComponentExitedError(what);
    try {
      const answer = await probe(url, credentials);
      if (answer.status === 200 && (options.accept?.(answer.body) ?? true)) return;
      last = `HTTP ${answer.status}: ${answer.body.trim().split('\n').slice(-3).join(' | ').slice(0, 300)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() >= deadline) throw new Error(`${what} was not ready at ${url} within ${options.timeoutMs} ms; last answer: ${last}`);
    // Start fast, back off to a few polls a second.
    await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 250)));
  }
}

export class ComponentExitedError extends Error {
  constructor(readonly component: string) {
    super(`${component} exited before it was ready`);
  }
}
