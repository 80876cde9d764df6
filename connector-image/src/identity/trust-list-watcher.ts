// The anchor's trust list as the connector sees it. The operator refreshes the list in its ConfigMap
// every few minutes (kubelet swaps the mounted file through a symlink), and a list expires after a day
// while recognised anchors go stale sooner, so reading it once at start is not enough: the file (and the
// pinned keys beside it) is polled, and a changed list replaces the current one only after it verifies
// against the pinned anchor keys. A list that does not verify leaves the last good one in place.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { systemClock, trustStoreFromTrustList, verifyTrustList, type Clock, type PinnedJwk, type TrustList, type TrustStore } from '@musubi/core/trust';
import type { Logger } from '../observability/logger.js';

export interface TrustListWatcherOptions {
  /** The vc+jwt trust list (identity.dcp.trustList.file). */
  file: string;
  /** JSON array of the anchor's pinned public JWKs (identity.dcp.trustList.anchor.keysFile). */
  keysFile: string;
  anchor: { did: string; jurisdiction: string };
  intervalMs: number;
  log: Logger;
  clock?: Clock;
}

/** A verified list and the trust store built from it. */
export interface LoadedTrustList {
  list: TrustList;
  trustStore: TrustStore;
  /** sha256 of the list file and the keys file it was verified with. */
  digest: string;
}

type Listener = (loaded: LoadedTrustList) => void;

export class TrustListWatcher {
  #current: LoadedTrustList | undefined;
  /** Why the newest file content was not taken (kept until the content changes). */
  #rejected: { digest: string; reason: string } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;
  readonly #listeners: Listener[] = [];
  readonly #clock: Clock;

  constructor(private readonly options: TrustListWatcherOptions) {
    this.#clock = options.clock ?? systemClock;
  }

  /** The current verified list, if any has verified since start. */
  get current(): LoadedTrustList | undefined {
    return this.#current;
  }

  /** Called with every list that replaces the current one (including the first). */
  onChange(listener: Listener): void {
    this.#listeners.push(listener);
  }

  /** First load, then a check every intervalMs until stop(). Never throws for a bad list: see notReadyReason(). */
  async start(): Promise<this> {
    await this.check();
    this.#timer = setInterval(() => void this.check(), this.options.intervalMs);
    this.#timer.unref();
    return this;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Why callers cannot be verified now: no list has verified yet, or the current one has expired. */
  notReadyReason(): string | undefined {
    const { did } = this.options.anchor;
    if (!this.#current) {
      return `no valid trust list of ${did} in ${this.options.file}${this.#rejected ? ` (${this.#rejected.reason})` : ''}`;
    }
    const validUntil = this.#current.list.validUntil;
    if (this.#clock().getTime() >= validUntil.getTime()) {
      return `the trust list of ${did} expired at ${validUntil.toISOString()} and no newer valid list has appeared in ${this.options.file}${this.#rejected ? ` (the newest was refused: ${this.#rejected.reason})` : ''}`;
    }
    return undefined;
  }

  /** Reads both files; verifies and swaps in the list if they changed. One check at a time. */
  check(): Promise<void> {
    this.#checking ??= this.#check().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  async #check(): Promise<void> {
    let text: string;
    let keysText: string;
    try {
      [text, keysText] = await Promise.all([readFile(this.options.file, 'utf8'), readFile(this.options.keysFile, 'utf8')]);
    } catch (error) {
      this.#refuse('unreadable', `cannot read ${(error as NodeJS.ErrnoException).path ?? 'the trust list files'} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return;
    }
    const digest = createHash('sha256').update(text.trim()).update('\0').update(keysText.trim()).digest('hex');
    if (digest === this.#current?.digest || digest === this.#rejected?.digest) return;
    try {
      const keys = parsePinnedKeys(keysText, this.options.keysFile);
      const list = await verifyTrustList(text.trim(), { did: this.options.anchor.did, jurisdiction: this.options.anchor.jurisdiction, keys }, { clock: this.#clock });
      if (this.#current && list.validFrom.getTime() < this.#current.list.validFrom.getTime()) {
        throw new Error(`it was issued at ${list.validFrom.toISOString()}, before the list in use (${this.#current.list.validFrom.toISOString()}); an older list never replaces a newer one`);
      }
      const trustStore = await trustStoreFromTrustList(list, { clock: this.#clock });
      const loaded = { list, trustStore, digest };
      const first = !this.#current;
      this.#current = loaded;
      this.#rejected = undefined;
      for (const listener of this.#listeners) listener(loaded);
      this.options.log.info(first ? 'trust list loaded' : 'trust list replaced', {
        anchor: list.anchor.did, recognised: list.recognised.map((r) => r.did), validUntil: list.validUntil.toISOString(),
      });
    } catch (error) {
      this.#refuse(digest, (error as Error).message);
    }
  }

  #refuse(digest: string, reason: string): void {
    if (this.#rejected?.digest === digest && this.#rejected.reason === reason) return;
    this.#rejected = { digest, reason };
    this.options.log.warn(this.#current ? 'new trust list refused; the previous one stays in use' : 'trust list refused; callers cannot be verified until a valid one appears', {
      file: this.options.file, reason, ...(this.#current ? { inUseUntil: this.#current.list.validUntil.toISOString() } : {}),
    });
  }
}

function parsePinnedKeys(text: string, path: string): PinnedJwk[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${path} (identity.dcp.trustList.anchor.keysFile) is not JSON; it must be a JSON array of the anchor's public JWKs`);
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every((k) => typeof k === 'object' && k !== null && typeof (k as { kid?: unknown }).kid === 'string')) {
    throw new Error(`${path} (identity.dcp.trustList.anchor.keysFile) must be a non-empty JSON array of public JWKs, each with a kid`);
  }
  return value as PinnedJwk[];
}
