// An append-only file of JSON lines (the transparency log). Rewriting a growing log on every entry would
// cost O(n) per append, so entries are appended and flushed one by one instead; a crash can then leave at
// most a torn last line, which load() detects and cuts off (it was never acknowledged).
import { closeSync, fsyncSync, openSync, truncateSync, writeSync } from 'node:fs';
import { readFileIfExists } from './atomic-file.js';

export interface JsonLinesContent {
  entries: unknown[];
  /** Bytes of an incomplete last line that was removed. */
  truncatedBytes: number;
}

export class JsonLinesFile {
  constructor(readonly path: string) {}

  load(): JsonLinesContent {
    const text = readFileIfExists(this.path);
    if (text === undefined || text.length === 0) return { entries: [], truncatedBytes: 0 };
    const entries: unknown[] = [];
    let offset = 0;
    for (;;) {
      const end = text.indexOf('\n', offset);
      if (end < 0) break;
      const line = text.slice(offset, end);
      try {
        entries.push(JSON.parse(line));
      } catch (cause) {
        throw new Error(`${this.path} line ${entries.length + 1} is not JSON; the log is damaged`, { cause });
      }
      offset = end + 1;
    }
    const truncatedBytes = Buffer.byteLength(text.slice(offset));
    if (truncatedBytes > 0) truncateSync(this.path, Buffer.byteLength(text.slice(0, offset)));
    return { entries, truncatedBytes };
  }

  /** Append one entry and flush it to disk before returning. */
  append(entry: unknown): void {
    const fd = openSync(this.path, 'a', 0o600);
    try {
      const bytes = Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8');
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
