// An append-only, hash-chained log of trust decisions that cross a border (a credential accepted because
// its anchor is recognised, an identifier mapped between schemes). Each entry's hash covers its
// sequence number, time, event and the previous entry's hash, so changing, dropping or reordering any
// entry breaks every hash after it. Auditors keep the head hash; verifyChain replays the chain.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json/index.js';
import { TrustError } from './errors.js';
import { systemClock, type Clock } from './time.js';

export const GENESIS_HASH = '0'.repeat(64);

export type TransparencyEvent =
  | {
      type: 'CrossBorderAcceptance';
      verifier: string;
      credentialId?: string;
      credentialType: string;
      issuer: string;
      anchorJurisdiction: string;
      subject: string;
    }
  | {
      type: 'IdentifierMapping';
      verifier: string;
      credentialId?: string;
      issuer: string;
      subject: string;
      from: string;
      to: string;
    }
  | { type: string; [field: string]: unknown };

export interface TransparencyLogEntry {
  seq: number;
  time: string;
  event: TransparencyEvent;
  prevHash: string;
  hash: string;
}

export function entryHash(entry: Omit<TransparencyLogEntry, 'hash'>): string {
  return createHash('sha256')
    .update(canonicalJson({ seq: entry.seq, time: entry.time, event: entry.event, prevHash: entry.prevHash }))
    .digest('hex');
}

export interface TransparencyLogOptions {
  clock?: Clock;
  /** Called with every entry as it is appended, e.g. to persist it; a throw undoes the append. */
  sink?: (entry: TransparencyLogEntry) => void;
  /** Entries kept in memory (the newest); older ones live only in the sink. */
  retain?: number;
  /** Continue an existing chain from its last entry. */
  head?: { seq: number; hash: string };
}

export class TransparencyLog {
  readonly #entries: TransparencyLogEntry[] = [];
  readonly #clock: Clock;
  readonly #sink?: (entry: TransparencyLogEntry) => void;
  readonly #retain: number;
  #head: { seq: number; hash: string };

  constructor(options: TransparencyLogOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#sink = options.sink;
    this.#retain = options.retain ?? 10_000;
    this.#head = options.head ?? { seq: -1, hash: GENESIS_HASH };
  }

  append(event: TransparencyEvent): TransparencyLogEntry {
    const unhashed = { seq: this.#head.seq + 1, time: this.#clock().toISOString(), event: JSON.parse(JSON.stringify(event)) as TransparencyEvent, prevHash: this.#head.hash };
    const entry: TransparencyLogEntry = Object.freeze({ ...unhashed, hash: entryHash(unhashed) });
    this.#sink?.(entry);
    this.#entries.push(entry);
    if (this.#entries.length > this.#retain) this.#entries.splice(0, this.#entries.length - this.#retain);
    this.#head = { seq: entry.seq, hash: entry.hash };
    return entry;
  }

  get head(): { seq: number; hash: string } {
    return { ...this.#head };
  }

  entries(): readonly TransparencyLogEntry[] {
    return [...this.#entries];
  }
}

export type ChainVerdict = { valid: true; head: { seq: number; hash: string } } | { valid: false; index: number; seq: number | undefined; problem: string };

/**
 * Replay a chain. By default it must start at the genesis (seq 0, prevHash of zeros); pass `from` (a
 * trusted seq/hash, e.g. a checkpoint) to verify a later slice.
 */
export function verifyChain(entries: readonly TransparencyLogEntry[], from: { seq: number; hash: string } = { seq: -1, hash: GENESIS_HASH }): ChainVerdict {
  let previous = from;
  for (const [index, entry] of entries.entries()) {
    const fail = (problem: string): ChainVerdict => ({ valid: false, index, seq: entry?.seq, problem });
    if (entry.seq !== previous.seq + 1) return fail(`expected seq ${previous.seq + 1}, found ${entry.seq}: an entry was removed, inserted or moved`);
    if (entry.prevHash !== previous.hash) return fail(`prevHash does not match the hash of entry ${previous.seq}: the chain was cut or reordered`);
    let recomputed: string;
    try {
      recomputed = entryHash(entry);
    } catch (cause) {
      return fail(`entry cannot be hashed: ${(cause as Error).message}`);
    }
    if (recomputed !== entry.hash) return fail('hash does not match the entry\'s content: the entry was altered');
    previous = { seq: entry.seq, hash: entry.hash };
  }
  return { valid: true, head: previous };
}

/** verifyChain, throwing a TrustError (MalformedInput) that names the first bad entry. */
export function assertChain(entries: readonly TransparencyLogEntry[], from?: { seq: number; hash: string }): { seq: number; hash: string } {
  const verdict = verifyChain(entries, from);
  if (!verdict.valid) throw new TrustError('MalformedInput', `transparency log is not intact at entry ${verdict.index} (seq ${String(verdict.seq)}): ${verdict.problem}`);
  return verdict.head;
}
