// Latency percentiles the way load-test tools report them: nearest rank, so every figure printed is a
// latency some pod actually had, never an interpolation between two.

/**
 * The nearest-rank p-th percentile of samples sorted ascending: the smallest sample with at least p% of
 * all samples at or below it. p is in (0, 100]; p = 100 is the maximum.
 */
export function percentile(sortedAscending: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile: p must be in (0, 100], got ${p}`);
  if (sortedAscending.length === 0) throw new RangeError('percentile: no samples; a percentile of an empty batch is undefined');
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.max(1, rank) - 1] as number;
}

/** Samples sorted ascending, as a new array (numeric order, not Array#sort's default string order). */
export function sortedAscending(samples: Iterable<number>): number[] {
  return [...samples].sort((a, b) => a - b);
}
