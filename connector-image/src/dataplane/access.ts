// What the data plane hands a reader and how it refuses one.
import type { Readable } from 'node:stream';

/** Why the data plane refused a request; `status` is the HTTP answer. */
export class DataAccessDenied extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
    this.name = 'DataAccessDenied';
  }
}

/** Data on its way to a reader: read `body` once, with backpressure. */
export interface DataStream {
  mediaType: string;
  /** Bytes that will follow, when known in advance (sent as content-length). */
  length?: number;
  /** Hex SHA-256 of the content, when known in advance (data pushed to this connector). */
  sha256?: string;
  body: Readable;
}
