// What flows through a transfer, measured on the way: bytes counted against the per-transfer limit
// (the transfer is cut off the moment it passes it, not after it was all read) and the SHA-256 of the
// content, which the audit log records so both parties can later show what was delivered.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** More data than dataPlane.maxDataBytes allows for one transfer. */
export class TransferTooLarge extends Error {
  constructor(readonly maxBytes: number, what: string) {
    super(`${what} is larger than dataPlane.maxDataBytes (${maxBytes} bytes), the limit for one transfer`);
    this.name = 'TransferTooLarge';
  }
}

export class TransferMeter extends Transform {
  #bytes = 0;
  readonly #hash: Hash = createHash('sha256');
  #digest: string | undefined;

  constructor(
    readonly maxBytes: number,
    private readonly what: string,
  ) {
    super();
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Hex SHA-256 of everything that passed; only once the stream has ended. */
  get sha256(): string | undefined {
    return this.#digest;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#bytes += chunk.length;
    if (this.#bytes > this.maxBytes) {
      done(new TransferTooLarge(this.maxBytes, this.what));
      return;
    }
    this.#hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.#digest = this.#hash.digest('hex');
    done();
  }
}
