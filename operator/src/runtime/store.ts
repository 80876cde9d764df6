import type { KubeObject } from './objects.js';
import { keyOf, objectKey } from './objects.js';
import type { LabelSelector } from './label-selector.js';
import { matchesLabelSelector } from './label-selector.js';

// The informer's cache: the last state seen of each object, keyed namespace/name. Objects are frozen
// because they are shared by every reader; mutate a copy (structuredClone) instead.

export interface ReadonlyStore<T extends KubeObject> {
  get(key: string): T | undefined;
  getByName(namespace: string | undefined, name: string): T | undefined;
  list(filter?: { namespace?: string; labelSelector?: LabelSelector }): T[];
  keys(): string[];
  readonly size: number;
}

export class ObjectStore<T extends KubeObject> implements ReadonlyStore<T> {
  private readonly items = new Map<string, T>();

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  getByName(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(keyOf(namespace, name));
  }

  list(filter: { namespace?: string; labelSelector?: LabelSelector } = {}): T[] {
    const out: T[] = [];
    for (const obj of this.items.values()) {
      if (filter.namespace !== undefined && obj.metadata.namespace !== filter.namespace) continue;
      if (!matchesLabelSelector(filter.labelSelector, obj.metadata.labels)) continue;
      out.push(obj);
    }
    return out;
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }

  /** Stores `obj` (frozen) and returns the state it replaced. */
  upsert(obj: T): { previous: T | undefined; stored: T } {
    const key = objectKey(obj);
    const previous = this.items.get(key);
    const stored = deepFreeze(obj);
    this.items.set(key, stored);
    return { previous, stored };
  }

  remove(key: string): T | undefined {
    const previous = this.items.get(key);
    this.items.delete(key);
    return previous;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
