import type { BatchTimings } from './latency-recorder.js';
import { percentile } from './percentile.js';

// What one batch of pods comes to, and the table the benchmark prints: throughput over the whole batch
// (first create sent to last bind seen) and create-to-bind latency percentiles, with the runs under power
// constraints compared against the unconstrained baseline measured in the same process.

export interface BatchFigures {
  pods: number;
  bound: number;
  /** Pods not bound when the batch settled (created, or not even created). */
  pending: number;
  /** Accepted creates per second, first sent to last answered. */
  createdPerSecond: number;
  /** Bound pods per second, first create sent to last bind seen. */
  scheduledPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  boundBeforeReturn: number;
}

const perSecond = (count: number, fromMs: number, toMs: number): number => {
  if (count === 0 || !Number.isFinite(fromMs) || !Number.isFinite(toMs)) return Number.NaN;
  // A batch cannot finish faster than the clock's resolution; never divide by zero.
  return count / (Math.max(toMs - fromMs, 1) / 1000);
};

export function batchFigures(t: BatchTimings): BatchFigures {
  const some = t.latenciesMs.length > 0;
  return {
    pods: t.pods,
    bound: t.bound,
    pending: t.pods - t.bound,
    createdPerSecond: perSecond(t.created, t.firstSentMs, t.lastReturnedMs),
    scheduledPerSecond: perSecond(t.bound, t.firstSentMs, t.lastBoundMs),
    p50Ms: some ? percentile(t.latenciesMs, 50) : Number.NaN,
    p99Ms: some ? percentile(t.latenciesMs, 99) : Number.NaN,
    maxMs: some ? percentile(t.latenciesMs, 100) : Number.NaN,
    boundBeforeReturn: t.boundBeforeReturn,
  };
}

export interface BenchRow {
  /** Short name, e.g. "A", "B", "B-tight". */
  run: string;
  description: string;
  figures: BatchFigures;
  /** Oracle violations found after the run; absent when the run is not checked (no power constraints). */
  violations?: number;
}

const num = (x: number, digits = 0): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const ratioOf = (b: number, a: number): string => (Number.isFinite(a) && Number.isFinite(b) && a > 0 ? `${(b / a).toFixed(2)}x` : '-');

function table(header: readonly string[], rows: readonly (readonly string[])[], leftColumns: number): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, c) => (c < leftColumns ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/**
 * The result table: one line per run with units in the header, then the ratio of every later run to the
 * first (the baseline) for throughput and latency.
 */
export function formatResults(rows: readonly BenchRow[]): string[] {
  if (rows.length === 0) return ['no runs'];
  const header = ['run', 'pods', 'bound', 'pending', 'created pods/s', 'scheduled pods/s', 'p50 ms', 'p99 ms', 'max ms', 'violations'];
  const body = rows.map((r) => [
    `${r.run}  ${r.description}`,
    String(r.figures.pods),
    String(r.figures.bound),
    String(r.figures.pending),
    num(r.figures.createdPerSecond, 1),
    num(r.figures.scheduledPerSecond, 1),
    num(r.figures.p50Ms),
    num(r.figures.p99Ms),
    num(r.figures.maxMs),
    r.violations === undefined ? 'n/a' : String(r.violations),
  ]);
  const base = rows[0] as BenchRow;
  for (const r of rows.slice(1)) {
    body.push([`${r.run}/${base.run}`, '', '', '', ratioOf(r.figures.createdPerSecond, base.figures.createdPerSecond), ratioOf(r.figures.scheduledPerSecond, base.figures.scheduledPerSecond), ratioOf(r.figures.p50Ms, base.figures.p50Ms), ratioOf(r.figures.p99Ms, base.figures.p99Ms), ratioOf(r.figures.maxMs, base.figures.maxMs), '']);
  }
  return table(header, body, 1);
}

/** Sum of the violations of the checked runs (what decides the exit code). */
export function totalViolations(rows: readonly BenchRow[]): number {
  return rows.reduce((sum, r) => sum + (r.violations ?? 0), 0);
}
