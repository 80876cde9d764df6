// Per-pod timestamps of one batch: when the create request went out, when the API server answered, and when
// the benchmark's pod watch first showed spec.nodeName. Latency is measured from the answer (the moment a
// client knows the pod exists) to the watch event; a bind that arrives before the create call returns
// (the watch outran the response) counts as 0 ms and is tallied, not dropped.

interface PodTimes {
  sentMs?: number;
  returnedMs?: number;
  boundMs?: number;
  node?: string;
}

export interface BatchTimings {
  /** Pods the batch meant to create. */
  pods: number;
  /** Creates the API server accepted. */
  created: number;
  /** Pods seen bound to a node. */
  bound: number;
  failedCreates: number;
  /** First create sent to last create answered, and to last bind seen; NaN when nothing happened. */
  firstSentMs: number;
  lastReturnedMs: number;
  lastBoundMs: number;
  /** Create-returned to bind-seen per bound pod, ascending, in ms. */
  latenciesMs: number[];
  /** Bound pods whose bind was seen before their create call returned (counted as 0 ms). */
  boundBeforeReturn: number;
}

export class BindLatencyRecorder {
  private readonly pods = new Map<string, PodTimes>();
  private failures = 0;
  private boundPods = 0;
  private createdPods = 0;

  constructor(readonly expected: number) {}

  private times(pod: string): PodTimes {
    let t = this.pods.get(pod);
    if (!t) this.pods.set(pod, (t = {}));
    return t;
  }

  createSent(pod: string, atMs: number): void {
    this.times(pod).sentMs = atMs;
  }

  createReturned(pod: string, atMs: number): void {
    const t = this.times(pod);
    if (t.returnedMs === undefined) this.createdPods++;
    t.returnedMs = atMs;
  }

  createFailed(pod: string): void {
    this.failures++;
    const t = this.pods.get(pod);
    if (t && t.returnedMs === undefined && t.boundMs === undefined) this.pods.delete(pod);
  }

  /** Records the first time the pod was seen bound; later sightings (status updates) are ignored. */
  bindSeen(pod: string, node: string, atMs: number): void {
    const t = this.times(pod);
    if (t.boundMs !== undefined) return;
    t.boundMs = atMs;
    t.node = node;
    this.boundPods++;
  }

  isBound(pod: string): boolean {
    return this.pods.get(pod)?.boundMs !== undefined;
  }

  get created(): number {
    return this.createdPods;
  }

  get bound(): number {
    return this.boundPods;
  }

  get failedCreates(): number {
    return this.failures;
  }

  timings(): BatchTimings {
    let firstSent = Infinity;
    let lastReturned = -Infinity;
    let lastBound = -Infinity;
    let early = 0;
    const latencies: number[] = [];
    for (const t of this.pods.values()) {
      if (t.sentMs !== undefined) firstSent = Math.min(firstSent, t.sentMs);
      if (t.returnedMs !== undefined) lastReturned = Math.max(lastReturned, t.returnedMs);
      if (t.boundMs === undefined) continue;
      lastBound = Math.max(lastBound, t.boundMs);
      if (t.returnedMs === undefined || t.boundMs < t.returnedMs) {
        early++;
        latencies.push(0);
      } else {
        latencies.push(t.boundMs - t.returnedMs);
      }
    }
    latencies.sort((a, b) => a - b);
    const finite = (x: number) => (Number.isFinite(x) ? x : Number.NaN);
    return {
      pods: this.expected,
      created: this.createdPods,
      bound: this.boundPods,
      failedCreates: this.failures,
      firstSentMs: finite(firstSent),
      lastReturnedMs: finite(lastReturned),
      lastBoundMs: finite(lastBound),
      latenciesMs: latencies,
      boundBeforeReturn: early,
    };
  }
}
