// Runs an async step over many items with at most `concurrency` in flight, like a client with a fixed
// connection pool: node patches in the placement controller, pod creation in the scale benchmark.

/**
 * Calls `step` for every item, at most `concurrency` at a time, in item order. After the first failure no
 * new step starts; the in-flight ones finish and the first error is thrown.
 */
export async function forEachBounded<T>(items: readonly T[], concurrency: number, step: (item: T, index: number) => Promise<void>): Promise<void> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`forEachBounded: concurrency must be a positive whole number, got ${concurrency}`);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        await step(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  if (failure) throw failure.error;
}
