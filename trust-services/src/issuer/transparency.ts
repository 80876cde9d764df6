// The anchor's transparency log on disk: the trust library's hash chain, each entry appended and flushed
// to a JSON-lines file as it is made. On start the whole file is replayed and the chain verified; a log
// that does not verify is a tampered or damaged audit record and the service refuses to start on it.
import { TransparencyLog, assertChain, signJws, type Clock, type KeyPair, type TransparencyLogEntry } from '@musubi/core/trust';
import { JsonLinesFile } from '../storage/json-lines.js';
import type { Logger } from '@musubi/core/logging';

export interface SignedHead {
  seq: number;
  hash: string;
  size: number;
  /** JWS (typ tlh+jwt) over {iss, seq, hash, size, iat}, signed with the anchor key. */
  signature: string;
}

export class DurableTransparencyLog {
  readonly log: TransparencyLog;
  readonly #file: JsonLinesFile;
  readonly #key: KeyPair;
  readonly #did: string;
  readonly #clock: Clock;
  #signedHead?: SignedHead;

  constructor(options: { path: string; did: string; key: KeyPair; clock: Clock; logger: Logger }) {
    this.#file = new JsonLinesFile(options.path);
    this.#key = options.key;
    this.#did = options.did;
    this.#clock = options.clock;
    const { entries, truncatedBytes } = this.#file.load();
    if (truncatedBytes > 0) options.logger.warn('transparency log had a torn last line; it was cut off', { path: options.path, bytes: truncatedBytes });
    const head = assertChain(entries as TransparencyLogEntry[]);
    this.log = new TransparencyLog({ clock: options.clock, head, retain: 1000, sink: (entry) => this.#file.append(entry) });
  }

  get head(): { seq: number; hash: string } {
    return this.log.head;
  }

  /** Entries with seq ≥ from, at most `limit`. */
  range(from: number, limit: number): TransparencyLogEntry[] {
    const { entries } = this.#file.load();
    return (entries as TransparencyLogEntry[]).filter((e) => e.seq >= from).slice(0, limit);
  }

  async signedHead(): Promise<SignedHead> {
    const { seq, hash } = this.log.head;
    if (this.#signedHead && this.#signedHead.seq === seq) return this.#signedHead;
    const payload = { iss: this.#did, seq, hash, size: seq + 1, iat: Math.floor(this.#clock().getTime() / 1000) };
    const signature = await signJws(new TextEncoder().encode(JSON.stringify(payload)), { typ: 'tlh+jwt' }, this.#key);
    this.#signedHead = { seq, hash, size: seq + 1, signature };
    return this.#signedHead;
  }
}
