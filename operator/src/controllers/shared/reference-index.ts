import { keyOf, objectKey, type Informer, type KubeObject } from '../../runtime/index.js';

// Which objects refer to a given object (connectors to a policy, participants to an anchor), kept up
// to date from an informer's events, so a change of the referenced object wakes its referrers without
// scanning every object on every event.

export class ReferenceIndex<T extends KubeObject> {
  private readonly forward = new Map<string, Set<string>>();
  private readonly backward = new Map<string, Set<string>>();

  /** `references(obj)` gives the keys (`namespace/name`) of the objects `obj` refers to. */
  constructor(informer: Informer<T>, private readonly references: (obj: T) => string[]) {
    informer.addEventHandler({
      onAdd: (obj) => this.index(obj),
      onUpdate: (_old, obj) => this.index(obj),
      onDelete: (obj) => this.drop(objectKey(obj)),
    });
  }

  /** Keys of the objects that refer to `key`, sorted. */
  referrers(key: string): string[] {
    return [...(this.backward.get(key) ?? [])].sort();
  }

  referrersOf(namespace: string | undefined, name: string): string[] {
    return this.referrers(keyOf(namespace, name));
  }

  private index(obj: T): void {
    const key = objectKey(obj);
    this.drop(key);
    const targets = new Set(this.references(obj));
    this.forward.set(key, targets);
    for (const target of targets) {
      let set = this.backward.get(target);
      if (!set) this.backward.set(target, (set = new Set()));
      set.add(key);
    }
  }

  private drop(key: string): void {
    for (const target of this.forward.get(key) ?? []) {
      const set = this.backward.get(target);
      set?.delete(key);
      if (set?.size === 0) this.backward.delete(target);
    }
    this.forward.delete(key);
  }
}
