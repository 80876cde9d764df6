// Benchmark (not a test): two connectors on 127.0.0.1 with DCP credentials (bench/dataspace.ts).
// Prints negotiations per second end to end (catalog → contract request → FINALIZED, a bounded number
// with a bounded number in flight) and the data plane's throughput for one payload pulled and pushed,
// next to a plain loopback HTTP transfer of the same file measured in the same run.
// Run: npx tsc -b && node connector-image/dist/bench/main.js [negotiations=200] [concurrency=8] [payloadMiB=100]
// Progress goes to stderr, results to stdout.
import { createReadStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { digestBody, peakRssGrowth } from '../testing/payload.js';
import { startBenchDataspace, type BenchDataspace, type BenchParticipant } from './dataspace.js';

const MiB = 1024 * 1024;
const arg = (index: number, fallback: number, min: number, max: number): number => Math.max(min, Math.min(max, Number(process.argv[index] ?? fallback) || fallback));
const NEGOTIATIONS = arg(2, 200, 1, 2_000);
const CONCURRENCY = arg(3, 8, 1, 64);
const PAYLOAD_BYTES = arg(4, 100, 1, 1_024) * MiB;
const RUNS = 5;
/** The negotiation phase stops starting new negotiations after this long and reports what finished. */
const NEGOTIATION_BUDGET_MS = 180_000;
const STEP_TIMEOUT_MS = 60_000;

type Json = Record<string, unknown>;

const progress = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = STEP_TIMEOUT_MS, pollMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last)?.slice(0, 500)}`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
}

/** catalog → contract request → FINALIZED, as a participant's application drives it through the management API. */
async function negotiate(consumer: BenchParticipant, provider: BenchParticipant, datasetId: string): Promise<string> {
  const catalog = await consumer.manage('POST', '/catalog/request', { providerUrl: provider.publicUrl, providerDid: provider.did });
  if (catalog.status !== 200) throw new Error(`catalog request answered ${catalog.status}: ${JSON.stringify(catalog.json)}`);
  const offer = ((catalog.json.dataset as Json[]).find((d) => d['@id'] === datasetId)?.hasPolicy as Json[] | undefined)?.[0];
  if (!offer) throw new Error(`the provider's catalog has no offer for ${datasetId}`);
  const started = await consumer.manage('POST', '/negotiations', { providerUrl: provider.publicUrl, providerDid: provider.did, datasetId, offer });
  if (started.status !== 201) throw new Error(`starting the negotiation answered ${started.status}: ${JSON.stringify(started.json)}`);
  const pid = encodeURIComponent(started.json.localPid as string);
  const done = await until(() => consumer.manage('GET', `/negotiations/${pid}`), (r) => r.json.state === 'FINALIZED' || r.json.state === 'TERMINATED', `negotiation ${pid}`);
  if (done.json.state !== 'FINALIZED') throw new Error(`negotiation ended ${String(done.json.state)}: ${JSON.stringify(done.json.termination)}`);
  return done.json.agreementId as string;
}

async function negotiationsPerSecond(space: BenchDataspace): Promise<{ completed: number; seconds: number; latencies: number[]; failures: string[] }> {
  const latencies: number[] = [];
  const failures: string[] = [];
  let next = 0;
  const start = performance.now();
  const deadline = Date.now() + NEGOTIATION_BUDGET_MS;
  const worker = async (): Promise<void> => {
    while (next < NEGOTIATIONS && Date.now() < deadline) {
      next++;
      const began = performance.now();
      try {
        await negotiate(space.consumer, space.provider, 'pcf');
        latencies.push(performance.now() - began);
        if (latencies.length % 25 === 0) progress(`${latencies.length}/${NEGOTIATIONS} negotiations FINALIZED`);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { completed: latencies.length, seconds: (performance.now() - start) / 1000, latencies: latencies.sort((a, b) => a - b), failures };
}

/** Reads a response body to its end, hashing it as an application would check it; the bytes and the seconds it took. */
async function consume(response: Response, began: number): Promise<{ bytes: number; sha256: string; seconds: number }> {
  const { bytes, sha256 } = await digestBody(response);
  return { bytes, sha256, seconds: (performance.now() - began) / 1000 };
}

async function plainLoopback(space: BenchDataspace): Promise<number> {
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/octet-stream');
    res.setHeader('content-length', String(space.bulk.bytes));
    createReadStream(space.bulk.path, { highWaterMark: 256 * 1024 }).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const began = performance.now();
    const result = await consume(await fetch(`http://127.0.0.1:${port}/bulk`), began);
    if (result.sha256 !== space.bulk.sha256) throw new Error('the plain loopback transfer delivered other bytes than the file holds');
    return result.seconds;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function startTransfer(space: BenchDataspace, agreementId: string, format: 'HttpData-PULL' | 'HttpData-PUSH'): Promise<{ pid: string; began: number; state: string }> {
  const began = performance.now();
  const started = await space.consumer.manage('POST', '/transfers', { agreementId, format });
  if (started.status !== 201) throw new Error(`starting a ${format} transfer answered ${started.status}: ${JSON.stringify(started.json)}`);
  const pid = started.json.localPid as string;
  const final = format === 'HttpData-PULL' ? 'STARTED' : 'COMPLETED';
  const seen = await until(() => space.consumer.manage('GET', `/transfers/${encodeURIComponent(pid)}`), (r) => r.json.state === final || r.json.state === 'TERMINATED', `transfer ${pid}`, STEP_TIMEOUT_MS, 2);
  if (seen.json.state !== final) throw new Error(`the ${format} transfer ended ${String(seen.json.state)}: ${JSON.stringify(seen.json.termination)}`);
  return { pid, began, state: String(seen.json.state) };
}

async function readData(space: BenchDataspace, pid: string): Promise<{ bytes: number; sha256: string; seconds: number }> {
  const began = performance.now();
  const response = await fetch(`${space.consumer.connector.urls.management}/transfers/${encodeURIComponent(pid)}/data`, { headers: { authorization: `Bearer ${space.managementToken}` } });
  if (response.status !== 200) throw new Error(`reading the data answered ${response.status}: ${await response.text()}`);
  const result = await consume(response, began);
  if (result.sha256 !== space.bulk.sha256) throw new Error(`transfer ${pid} delivered other bytes than the provider's file holds`);
  return result;
}

async function pull(space: BenchDataspace, agreementId: string): Promise<number> {
  const { pid } = await startTransfer(space, agreementId, 'HttpData-PULL');
  return (await readData(space, pid)).seconds;
}

/** Seconds from the transfer request until the consumer holds the whole payload (stored), checked by reading it back. */
async function push(space: BenchDataspace, agreementId: string): Promise<{ seconds: number; readBack: number }> {
  const { pid, began } = await startTransfer(space, agreementId, 'HttpData-PUSH');
  const seconds = (performance.now() - began) / 1000;
  return { seconds, readBack: (await readData(space, pid)).seconds };
}

async function main(): Promise<void> {
  progress(`writing a ${PAYLOAD_BYTES / MiB} MiB payload and starting two connectors with their wallets on 127.0.0.1`);
  const space = await startBenchDataspace({ bulkBytes: PAYLOAD_BYTES });
  let interrupted = false;
  const interrupt = (): void => {
    if (interrupted) return;
    interrupted = true;
    progress('interrupted: stopping the connectors');
    void space.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    console.log(`connector benchmark: 2 connectors on 127.0.0.1, DCP (self-issued ID token + vp+jwt, Ed25519), SQLite stores, Node ${process.version}`);
    const smallAgreement = await negotiate(space.consumer, space.provider, 'pcf'); // also warms up keys, connections, statements
    progress(`negotiating ${NEGOTIATIONS} contracts, ${CONCURRENCY} at a time`);
    const n = await negotiationsPerSecond(space);
    const rate = n.completed / n.seconds;
    console.log(`negotiations (catalog → request → FINALIZED): ${n.completed} of ${NEGOTIATIONS}, ${CONCURRENCY} in flight, in ${n.seconds.toFixed(1)} s`
      + `  →  ${rate.toFixed(1)} negotiations/s   latency p50 ${percentile(n.latencies, 50).toFixed(0)} ms, p95 ${percentile(n.latencies, 95).toFixed(0)} ms`);
    if (n.failures.length > 0) console.log(`  ${n.failures.length} failed; first: ${n.failures[0]}`);
    if (n.completed < NEGOTIATIONS && n.failures.length === 0) console.log(`  stopped after the ${NEGOTIATION_BUDGET_MS / 1000} s budget`);

    const agreementId = await negotiate(space.consumer, space.provider, 'bulk');
    const baseline: number[] = [];
    const pulls: number[] = [];
    const pushes: number[] = [];
    const readBacks: number[] = [];
    const overheads: number[] = [];
    let pullGrowth = 0;
    let pushGrowth = 0;
    for (let run = 1; run <= RUNS; run++) {
      progress(`data plane run ${run}/${RUNS}: plain loopback, pull, push of ${PAYLOAD_BYTES / MiB} MiB`);
      baseline.push(await plainLoopback(space));
      const pulled = await peakRssGrowth(() => pull(space, agreementId));
      pulls.push(pulled.result);
      pullGrowth = Math.max(pullGrowth, pulled.growth / MiB);
      const pushed = await peakRssGrowth(() => push(space, agreementId));
      pushes.push(pushed.result.seconds);
      readBacks.push(pushed.result.readBack);
      pushGrowth = Math.max(pushGrowth, pushed.growth / MiB);
      const small = await startTransfer(space, smallAgreement, 'HttpData-PUSH');
      overheads.push(performance.now() - small.began);
    }
    const mibPerSecond = (seconds: number): number => PAYLOAD_BYTES / MiB / seconds;
    const base = mibPerSecond(median(baseline));
    const line = (what: string, seconds: number, note = ''): string => {
      const rateMiB = mibPerSecond(seconds);
      return `  ${what.padEnd(58)} ${rateMiB.toFixed(0).padStart(6)} MiB/s  ${(seconds * 1000).toFixed(0).padStart(6)} ms  ratio ${(rateMiB / base).toFixed(2)}${note}`;
    };
    console.log(`data plane, ${PAYLOAD_BYTES / MiB} MiB, median of ${RUNS} runs, SHA-256 checked by the reader:`);
    console.log(line('plain loopback HTTP GET (baseline, same file, same reader)', median(baseline)));
    console.log(line('pull: provider file → provider DSP → consumer → application', median(pulls), `   peak RSS growth ${pullGrowth.toFixed(0)} MiB`));
    console.log(line('push: transfer request → COMPLETED, stored at the consumer', median(pushes), `   peak RSS growth ${pushGrowth.toFixed(0)} MiB`));
    console.log(line('read back of pushed data: consumer store → application', median(readBacks)));
    console.log(`  protocol alone: a push of the ~120-byte pcf dataset takes ${median(overheads).toFixed(0)} ms from request to COMPLETED (request, start, push, completion)`);
  } finally {
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
    if (!interrupted) {
      progress('stopping the connectors');
      await space.close();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
