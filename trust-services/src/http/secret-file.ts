// Secrets (bearer tokens, client secrets) come from files the operator mounts from Kubernetes Secrets.
// They are re-read when the file changes, so a rotated Secret takes effect without a restart, and are
// compared in constant time so response timing says nothing about how much of a guess was right.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

const MIN_SECRET_LENGTH = 16;

export class SecretFile {
  #value = '';
  #mtimeMs = -1;

  constructor(
    readonly path: string,
    /** Config field that names this file, for error messages. */
    readonly field: string,
  ) {
    this.read();
  }

  /** The current secret (trimmed); throws naming the config field when the file is missing or too short. */
  read(): string {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(this.path).mtimeMs;
    } catch (cause) {
      throw new Error(`${this.field}: cannot read ${this.path}; mount the Secret there`, { cause });
    }
    if (mtimeMs !== this.#mtimeMs) {
      const value = readFileSync(this.path, 'utf8').trim();
      if (value.length < MIN_SECRET_LENGTH) throw new Error(`${this.field}: the secret in ${this.path} is shorter than ${MIN_SECRET_LENGTH} characters`);
      this.#value = value;
      this.#mtimeMs = mtimeMs;
    }
    return this.#value;
  }

  /** Constant-time comparison of a presented secret with the file's. */
  matches(presented: string | undefined): boolean {
    if (presented === undefined) return false;
    // Digests have equal length whatever was presented, which timingSafeEqual requires.
    const expected = createHash('sha256').update(this.read()).digest();
    const actual = createHash('sha256').update(presented).digest();
    return timingSafeEqual(expected, actual);
  }
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
