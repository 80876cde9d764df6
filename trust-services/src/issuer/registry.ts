// The anchor's trusted data source: where it checks that an identifier exists and belongs to the legal
// name and country a participant claims. A registry file (mounted from a ConfigMap) serves local runs and
// tests; an HTTP registry (a mirror of the NTA corporate number Web-API, VIES, GLEIF, …) serves clusters.
import { readFileSync, statSync } from 'node:fs';
import { IDENTIFIER_SCHEMES, validateIdentifier, type IdentifierSchemeId } from '@musubi/core/identifiers';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { countryCode } from '../config/common.js';
import { HttpProblem, fieldPath } from '../http/problem.js';
import { SecretFile } from '../http/secret-file.js';
import { callHttp, jsonOf } from '../http/client.js';

export interface RegistryRecord {
  scheme: IdentifierSchemeId;
  /** Normalised identifier value. */
  value: string;
  legalName: string;
  country: string;
}

export interface TrustedRegistry {
  /** Name recorded in credentials as verification.dataSource. */
  readonly name: string;
  /** The registered entity for a normalised identifier, undefined when it is not registered. */
  lookup(scheme: IdentifierSchemeId, value: string): Promise<RegistryRecord | undefined>;
}

const RegistryEntry = z.strictObject({
  scheme: z.enum(IDENTIFIER_SCHEMES),
  value: z.string().min(1).max(64),
  legalName: z.string().min(1).max(256),
  country: countryCode,
});

export class RegistryFileError extends Error {
  override readonly name = 'RegistryFileError';
}

function parseRegistryFile(path: string): Map<string, RegistryRecord> {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new RegistryFileError(`registry file ${path} cannot be read as YAML or JSON: ${(cause as Error).message}`, { cause });
  }
  const list = Array.isArray(document) ? document : (document as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(list)) throw new RegistryFileError(`registry file ${path} must be a list of {scheme, value, legalName, country} (or {entries: [...]})`);
  const records = new Map<string, RegistryRecord>();
  list.forEach((item, i) => {
    const parsed = RegistryEntry.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RegistryFileError(`registry file ${path}: ${fieldPath(`[${i}]`, issue?.path ?? [])} ${issue?.message ?? 'is invalid'}`);
    }
    const check = validateIdentifier(parsed.data.scheme, parsed.data.value);
    if (!check.valid) throw new RegistryFileError(`registry file ${path}: [${i}].value: ${check.message}`);
    records.set(`${check.scheme}|${check.normalized}`, { ...parsed.data, value: check.normalized });
  });
  return records;
}

/** A registry file, re-read when it changes (ConfigMap updates swap the file under a running pod). */
export class FileRegistry implements TrustedRegistry {
  #records: Map<string, RegistryRecord>;
  #mtimeMs: number;

  constructor(
    readonly name: string,
    readonly path: string,
  ) {
    this.#mtimeMs = statSync(path).mtimeMs;
    this.#records = parseRegistryFile(path);
  }

  get size(): number {
    return this.#records.size;
  }

  async lookup(scheme: IdentifierSchemeId, value: string): Promise<RegistryRecord | undefined> {
    const mtimeMs = statSync(this.path).mtimeMs;
    if (mtimeMs !== this.#mtimeMs) {
      // A broken update keeps the last good content; the error reaches the log through the caller once.
      this.#records = parseRegistryFile(this.path);
      this.#mtimeMs = mtimeMs;
    }
    return this.#records.get(`${scheme}|${value}`);
  }
}

const RegistryAnswer = z.object({
  legalName: z.string().min(1).max(256),
  country: countryCode,
  scheme: z.string().optional(),
  value: z.string().optional(),
});

export interface HttpRegistryOptions {
  name: string;
  url: string;
  tokenFile?: string;
  caFile?: string;
  timeoutMs: number;
  allowHttpLoopback: boolean;
}

/** GET <url>/<scheme>/<value> → 200 {legalName, country} or 404. */
export class HttpRegistry implements TrustedRegistry {
  readonly name: string;
  readonly #options: HttpRegistryOptions;
  readonly #token?: SecretFile;
  readonly #ca?: string;

  constructor(options: HttpRegistryOptions) {
    this.name = options.name;
    this.#options = options;
    if (options.tokenFile) this.#token = new SecretFile(options.tokenFile, 'dataSource.http.tokenFile');
    if (options.caFile) this.#ca = readFileSync(options.caFile, 'utf8');
  }

  async lookup(scheme: IdentifierSchemeId, value: string): Promise<RegistryRecord | undefined> {
    const url = `${this.#options.url.replace(/\/+$/, '')}/${encodeURIComponent(scheme)}/${encodeURIComponent(value)}`;
    const unavailable = (detail: string, cause?: unknown): HttpProblem =>
      new HttpProblem(503, 'RegistryUnavailable', `the registry "${this.name}" could not be asked about ${scheme} ${value}: ${detail}; try again later`, undefined, { cause });
    let answer;
    try {
      answer = await callHttp({
        method: 'GET', url, timeoutMs: this.#options.timeoutMs, maxBytes: 64 * 1024, allowHttpLoopback: this.#options.allowHttpLoopback,
        ...(this.#ca ? { ca: this.#ca } : {}),
        ...(this.#token ? { headers: { authorization: `Bearer ${this.#token.read()}` } } : {}),
      });
    } catch (cause) {
      throw unavailable((cause as Error).message, cause);
    }
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw unavailable(`it answered HTTP ${answer.status}`);
    const parsed = RegistryAnswer.safeParse(jsonOf(answer));
    if (!parsed.success) throw unavailable(`its answer is not {legalName, country}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    if ((parsed.data.scheme !== undefined && parsed.data.scheme !== scheme) || (parsed.data.value !== undefined && validateIdentifier(scheme, parsed.data.value).valid && parsed.data.value.replace(/\s/g, '').toUpperCase() !== value)) {
      throw unavailable('it answered about another identifier than the one asked');
    }
    return { scheme, value, legalName: parsed.data.legalName, country: parsed.data.country };
  }
}
