// The status lists of one issuer (an anchor, or a participant's wallet for the credentials it grants):
// every credential gets a revocation and a suspension entry at random positions, the bits and
// allocations are kept in the storage directory, and each list is published as a signed
// BitstringStatusListCredential (vc+jwt) that is re-signed when a bit changes or half its validity is gone.
import {
  STATUS_PURPOSES, StatusList, TrustError, issueCredentialJwt, type Clock, type KeyPair, type StatusEntry, type StatusPurpose,
} from '@musubi/core/trust';
import { z } from 'zod';
import { JsonStateFile } from '../storage/json-state.js';

const StoredList = z.strictObject({
  id: z.string(),
  purpose: z.enum(['revocation', 'suspension']),
  length: z.number().int().positive(),
  encodedList: z.string(),
  encodedAllocations: z.string(),
});
const StoredRegistry = z.strictObject({
  lists: z.array(StoredList),
  current: z.strictObject({ revocation: z.string().optional(), suspension: z.string().optional() }),
});
type StoredRegistry = z.infer<typeof StoredRegistry>;

export interface StatusRegistryOptions {
  issuerDid: string;
  key: KeyPair;
  /** Lists are published at <statusBaseUrl>/<n>. */
  statusBaseUrl: string;
  storagePath: string;
  clock: Clock;
  /** validUntil of a published list credential, from the moment it is signed. */
  publicationValidityMs: number;
  listLength?: number;
}

/** A status entry's position: which list, which bit. */
export interface StatusPosition {
  statusListCredential: string;
  statusListIndex: string;
  statusPurpose: string;
}

interface Publication {
  jwt: string;
  version: number;
  signedAt: number;
}

export class StatusRegistry {
  readonly #options: StatusRegistryOptions;
  readonly #file: JsonStateFile<typeof StoredRegistry>;
  readonly #lists = new Map<string, StatusList>();
  readonly #current: Partial<Record<StatusPurpose, string>>;
  readonly #versions = new Map<string, number>();
  readonly #published = new Map<string, Publication>();
  #saving: Promise<void> = Promise.resolve();

  private constructor(options: StatusRegistryOptions, stored: StoredRegistry) {
    this.#options = options;
    this.#file = new JsonStateFile(options.storagePath, StoredRegistry);
    for (const state of stored.lists) this.#lists.set(state.id, StatusList.restore(state));
    this.#current = { ...stored.current };
  }

  static open(options: StatusRegistryOptions): StatusRegistry {
    const file = new JsonStateFile(options.storagePath, StoredRegistry);
    return new StatusRegistry(options, file.load({ lists: [], current: {} }));
  }

  listIds(): string[] {
    return [...this.#lists.keys()];
  }

  has(listId: string): boolean {
    return this.#lists.has(listId);
  }

  /** A revocation and a suspension entry for a new credential; persisted before they are returned. */
  async allocate(): Promise<StatusEntry[]> {
    const entries = STATUS_PURPOSES.map((purpose) => {
      const list = this.#listWithRoom(purpose);
      return list.entry(list.allocate());
    });
    await this.#save();
    return entries;
  }

  /** Set or clear a bit; Revocation is final (the trust library refuses to clear it). */
  async set(position: StatusPosition, value: boolean): Promise<void> {
    const list = this.#list(position);
    list.set(Number(position.statusListIndex), value);
    this.#versions.set(list.id, (this.#versions.get(list.id) ?? 0) + 1);
    await this.#save();
  }

  isSet(position: StatusPosition): boolean {
    return this.#list(position).isSet(Number(position.statusListIndex));
  }

  /** The signed status list credential to serve at `listId`. */
  async publication(listId: string): Promise<string> {
    const list = this.#lists.get(listId);
    if (!list) throw new TrustError('MalformedInput', `no status list ${listId}`);
    const now = this.#options.clock().getTime();
    const version = this.#versions.get(listId) ?? 0;
    const cached = this.#published.get(listId);
    if (cached && cached.version === version && now - cached.signedAt < this.#options.publicationValidityMs / 2) return cached.jwt;
    const credential = await list.credential({
      issuer: this.#options.issuerDid,
      validFrom: new Date(now),
      validUntil: new Date(now + this.#options.publicationValidityMs),
    });
    const jwt = await issueCredentialJwt(credential, this.#options.key);
    this.#published.set(listId, { jwt, version, signedAt: now });
    return jwt;
  }

  #list(position: StatusPosition): StatusList {
    const list = this.#lists.get(position.statusListCredential);
    if (!list) throw new TrustError('MalformedInput', `status list ${position.statusListCredential} is not one of this issuer's lists`);
    if (list.purpose !== position.statusPurpose) {
      throw new TrustError('MalformedInput', `status list ${list.id} is a ${list.purpose} list, not ${position.statusPurpose}`);
    }
    return list;
  }

  #listWithRoom(purpose: StatusPurpose): StatusList {
    const currentId = this.#current[purpose];
    const current = currentId ? this.#lists.get(currentId) : undefined;
    if (current && current.allocatedCount < current.length) return current;
    const id = `${this.#options.statusBaseUrl}/${this.#lists.size + 1}`;
    const list = StatusList.create({ id, purpose, ...(this.#options.listLength ? { length: this.#options.listLength } : {}) });
    this.#lists.set(id, list);
    this.#current[purpose] = id;
    return list;
  }

  /** Serialised so a slow snapshot never overwrites a newer one. */
  #save(): Promise<void> {
    const run = async (): Promise<void> => {
      const lists = await Promise.all([...this.#lists.values()].map((list) => list.toState()));
      this.#file.save({ lists, current: { ...this.#current } });
    };
    this.#saving = this.#saving.then(run, run);
    return this.#saving;
  }
}
