// The credentials a wallet holds. Those the operator obtained arrive as *.jwt files in a mounted Secret
// (re-read when the directory changes); those the wallet received over DCP or issued to its members are
// files it writes itself (one per credential, atomically) in its storage directory.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJws, issuerOf, parseCredential, subjectIdOf, type Credential } from '@musubi/core/trust';
import type { Logger } from '@musubi/core/logging';
import { ensureDirectory, writeFileAtomic } from '../storage/atomic-file.js';

export type HeldFormat = 'vc+jwt' | 'eddsa-rdfc-2022';

export interface HeldCredential {
  /** Credential id (urn:uuid:…). */
  id: string;
  types: string[];
  issuer: string;
  subject: string;
  validUntil?: string;
  format: HeldFormat;
  /** The secured credential as presented: vc+jwt text or the Data Integrity object. */
  raw: string | Record<string, unknown>;
  credential: Credential;
  source: 'operator' | 'wallet';
  file: string;
}

function parseHeld(raw: string | Record<string, unknown>, file: string, source: HeldCredential['source']): HeldCredential {
  let credential: Credential;
  let format: HeldFormat;
  if (typeof raw === 'string') {
    const decoded = decodeJws(raw, { typ: 'vc+jwt', what: file });
    credential = parseCredential(JSON.parse(Buffer.from(decoded.payload).toString('utf8')), file);
    format = 'vc+jwt';
  } else {
    credential = parseCredential(raw, file);
    format = 'eddsa-rdfc-2022';
  }
  const subject = subjectIdOf(credential);
  if (!subject) throw new Error(`${file}: the credential has no credentialSubject.id`);
  return {
    id: credential.id ?? `sha256:${createHash('sha256').update(typeof raw === 'string' ? raw : JSON.stringify(raw)).digest('hex')}`,
    types: credential.type,
    issuer: issuerOf(credential),
    subject,
    ...(credential.validUntil ? { validUntil: credential.validUntil } : {}),
    format,
    raw,
    credential,
    source,
    file,
  };
}

function readCredentialFile(path: string, source: HeldCredential['source']): HeldCredential {
  const text = readFileSync(path, 'utf8').trim();
  return parseHeld(text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : text, path, source);
}

export class CredentialStore {
  readonly #ownDir: string;
  readonly #own = new Map<string, HeldCredential>();
  #provisioned: HeldCredential[] = [];
  #provisionedStamp = '';

  constructor(
    storageDir: string,
    /** The operator's read-only directory of vc+jwt files. */
    private readonly provisionedDir: string,
    private readonly logger: Logger,
  ) {
    this.#ownDir = join(storageDir, 'credentials');
    ensureDirectory(this.#ownDir);
    for (const name of readdirSync(this.#ownDir)) {
      if (!/\.(jwt|json)$/.test(name)) continue;
      try {
        const held = readCredentialFile(join(this.#ownDir, name), 'wallet');
        this.#own.set(held.id, held);
      } catch (error) {
        this.logger.warn('skipping an unreadable stored credential', { file: name, error: (error as Error).message });
      }
    }
  }

  /** Every credential held, the operator's first. */
  all(): HeldCredential[] {
    this.#refreshProvisioned();
    return [...this.#provisioned, ...this.#own.values()];
  }

  /** Credentials about `subject`, newest validity first. */
  about(subject: string): HeldCredential[] {
    return this.all()
      .filter((c) => c.subject === subject)
      .sort((a, b) => (b.validUntil ?? '9999').localeCompare(a.validUntil ?? '9999'));
  }

  add(raw: string | Record<string, unknown>): HeldCredential {
    const digest = createHash('sha256').update(typeof raw === 'string' ? raw : JSON.stringify(raw)).digest('hex').slice(0, 32);
    const file = join(this.#ownDir, `${digest}.${typeof raw === 'string' ? 'jwt' : 'json'}`);
    const held = parseHeld(raw, file, 'wallet');
    writeFileAtomic(file, typeof raw === 'string' ? `${raw}\n` : `${JSON.stringify(raw)}\n`);
    this.#own.set(held.id, held);
    return held;
  }

  /** Forget a credential the wallet stored (e.g. superseded); the operator's files are its own. */
  remove(id: string): void {
    const held = this.#own.get(id);
    if (!held) return;
    rmSync(held.file, { force: true });
    this.#own.delete(id);
  }

  #refreshProvisioned(): void {
    let names: string[];
    try {
      names = readdirSync(this.provisionedDir).filter((name) => name.endsWith('.jwt'));
    } catch {
      this.#provisioned = [];
      return;
    }
    const stamp = names.map((name) => `${name}:${statSync(join(this.provisionedDir, name)).mtimeMs}`).join('|');
    if (stamp === this.#provisionedStamp) return;
    const loaded: HeldCredential[] = [];
    for (const name of names) {
      try {
        loaded.push(readCredentialFile(join(this.provisionedDir, name), 'operator'));
      } catch (error) {
        this.logger.warn('skipping an unreadable provisioned credential', { file: name, error: (error as Error).message });
      }
    }
    this.#provisioned = loaded;
    this.#provisionedStamp = stamp;
  }
}
