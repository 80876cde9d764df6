import { canonicalJson, setCondition, withReadyCondition, type Condition, type ConditionStatus, type KubeClient, type KubeObject } from '../../runtime/index.js';

// The status of one reconcile: the conditions it determined (each stamped with the generation it
// looked at) and a Ready condition derived from the ones that matter. Conditions a reconcile did not
// set are dropped, so status never shows a verdict about a generation nobody looked at.

export class ConditionSet {
  private list: Condition[] = [];

  constructor(
    private readonly previous: readonly Condition[] | undefined,
    private readonly generation: number | undefined,
    private readonly now: Date,
  ) {}

  set(type: string, status: ConditionStatus, reason: string, message: string): this {
    const kept = (this.previous ?? []).filter((c) => c.type === type);
    const next = setCondition(kept, { type, status, reason, message, ...(this.generation !== undefined ? { observedGeneration: this.generation } : {}) }, this.now)
      .find((c) => c.type === type)!;
    this.list = [...this.list.filter((c) => c.type !== type), next];
    return this;
  }

  get(type: string): Condition | undefined {
    return this.list.find((c) => c.type === type);
  }

  /** The conditions with Ready computed from `required` (see computeReady), Ready first. */
  withReady(required: readonly string[]): Condition[] {
    const previousReady = (this.previous ?? []).filter((c) => c.type === 'Ready');
    const withReady = withReadyCondition([...previousReady, ...this.list], required, this.generation, this.now);
    const ready = withReady.find((c) => c.type === 'Ready')!;
    return [ready, ...this.list];
  }
}

/**
 * Writes `status` when it differs from what the object carries, so a reconcile that changes nothing
 * leaves the resourceVersion alone. A PUT conditional on the resourceVersion read: a stale read
 * fails with a Conflict and the retry computes the status again from the newer object.
 */
export async function writeStatus<T extends KubeObject>(client: Pick<KubeClient, 'updateStatus'>, obj: T, status: Record<string, unknown>): Promise<T> {
  if (canonicalJson(obj.status ?? {}) === canonicalJson(status)) return obj;
  return client.updateStatus<T>({ ...obj, status: JSON.parse(JSON.stringify(status)) as unknown });
}
