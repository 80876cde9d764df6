// Large payloads for the streaming tests and the benchmark: a random file written a block at a time, a
// response body read to its end while hashing it, and the memory a transfer costs while it runs.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const BLOCK = 1024 * 1024;

/** Writes `bytes` random bytes to `path`; their SHA-256 (hex). */
export async function writeRandomFile(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let written = 0; written < bytes; written += BLOCK) {
    const block = randomBytes(Math.min(BLOCK, bytes - written));
    hash.update(block);
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

/**
 * Reads a response body to its end, hashing it chunk by chunk. With `stopAfter`, stops once that many
 * bytes arrived, aborting `abort` and cancelling the body (a client that walks away mid-transfer).
 */
export async function digestBody(response: Response, options: { stopAfter?: number; abort?: AbortController } = {}): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
    bytes += value.length;
    if (options.stopAfter !== undefined && bytes >= options.stopAfter) {
      options.abort?.abort();
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Runs `work` while sampling the process's resident set size every 5 ms; the peak growth over the start, in bytes. */
export async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growth: peak - start };
  } finally {
    clearInterval(sampler);
  }
}
