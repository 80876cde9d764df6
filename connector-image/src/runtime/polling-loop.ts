// A background loop that runs rounds until stopped, sleeping between rounds unless woken. The outbox
// dispatcher, the event dispatcher and the change watcher all work this way: a round that found work
// runs again at once (there may be more), an idle one waits for the interval or for wake(), and a
// wake() that arrives while a round runs is not lost.

export interface PollingLoopOptions {
  /** One round; resolves true when it did work and the next round should start at once. */
  round: () => Promise<boolean>;
  /** How long an idle loop sleeps before the next round, unless woken. */
  intervalMs: number;
  /** A round that throws is reported here and the loop carries on after the interval. */
  onError: (error: unknown) => void;
}

export class PollingLoop {
  #running = false;
  #loop: Promise<void> | undefined;
  #wakeUp: (() => void) | undefined;
  #pendingWake = false;

  constructor(private readonly options: PollingLoopOptions) {}

  get running(): boolean {
    return this.#running;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.run();
  }

  /** Ends the sleep at once, or makes the round in progress be followed by another without sleeping. */
  wake(): void {
    this.#pendingWake = true;
    this.#wakeUp?.();
  }

  /** Resolves once the round in progress (if any) has finished. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wakeUp?.();
    await this.#loop;
  }

  private async run(): Promise<void> {
    while (this.#running) {
      this.#pendingWake = false;
      let busy = false;
      try {
        busy = await this.options.round();
      } catch (error) {
        this.options.onError(error);
      }
      if (!busy && !this.#pendingWake && this.#running) await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.options.intervalMs);
      this.#wakeUp = done;
    });
  }
}
