// Exponential backoff with jitter for reconnect loops: spreads replicas' retries apart so a
// recovering API server is not hit by all of them at the same instant.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor?: number;
  /** Adds up to this fraction of the delay at random (client-go's `Jitter`). */
  jitter?: number;
}

export class ExponentialBackoff {
  private attempt = 0;
  private readonly factor: number;
  private readonly jitter: number;

  constructor(
    private readonly options: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {
    if (options.initialMs <= 0 || options.maxMs < options.initialMs) {
      throw new Error(`backoff: need 0 < initialMs <= maxMs, got initialMs=${options.initialMs} maxMs=${options.maxMs}`);
    }
    this.factor = options.factor ?? 2;
    this.jitter = options.jitter ?? 0.5;
  }

  /** The delay before the next attempt; each call grows it until `maxMs`. */
  next(): number {
    const base = Math.min(this.options.maxMs, this.options.initialMs * this.factor ** this.attempt);
    this.attempt += 1;
    return Math.min(this.options.maxMs, base + base * this.jitter * this.random());
  }

  get attempts(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}
