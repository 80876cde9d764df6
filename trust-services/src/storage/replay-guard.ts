// The replay guard of the services, kept in the storage directory: a self-issued ID token's jti is
// remembered until the token expires, across restarts, so a token captured before a restart cannot be
// played again after it. Live entries are few (tokens live at most five minutes), so the whole set is
// rewritten atomically on each claim.
import { TrustError, type ReplayGuard } from '@musubi/core/trust';
import { z } from 'zod';
import { JsonStateFile } from './json-state.js';

const ReplayState = z.record(z.string(), z.number());

export class PersistentReplayGuard implements ReplayGuard {
  readonly #file: JsonStateFile<typeof ReplayState>;
  readonly #expiries: Map<string, number>;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(path: string, options: { maxEntries?: number; now?: () => number } = {}) {
    this.#file = new JsonStateFile(path, ReplayState);
    this.#maxEntries = options.maxEntries ?? 50_000;
    this.#now = options.now ?? Date.now;
    this.#expiries = new Map(Object.entries(this.#file.load({})));
    this.#purge();
  }

  get size(): number {
    return this.#expiries.size;
  }

  claim(key: string, expiresAt: Date): boolean {
    const now = this.#now();
    const known = this.#expiries.get(key);
    if (known !== undefined && known > now) return false;
    if (this.#expiries.size >= this.#maxEntries) this.#purge();
    if (this.#expiries.size >= this.#maxEntries) {
      throw new TrustError('ReplayCacheFull', `replay guard holds ${this.#maxEntries} unexpired token ids; refusing new tokens until some expire`);
    }
    this.#expiries.set(key, expiresAt.getTime());
    this.#file.save(Object.fromEntries(this.#expiries));
    return true;
  }

  #purge(): void {
    const now = this.#now();
    for (const [key, expiry] of this.#expiries) if (expiry <= now) this.#expiries.delete(key);
  }
}
