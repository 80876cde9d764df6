// Bitstring Status List (W3C VC Bitstring Status List v1.0): revocation and suspension. The issuer side
// keeps a list (bits + which indices are handed out) and publishes it as a signed
// BitstringStatusListCredential. The verifier side checks the bit itself: @digitalbazaar's checkStatus
// answers `verified: true` for a revoked credential (it reports the bit, it does not judge it), so
// passing it to verifyCredential accepts revoked credentials. Here a set bit is an error, and the status
// list credential's own signature, issuer and validity are verified before its bits are believed.
import { randomInt } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { BitstringStatusList } from '@digitalbazaar/vc-bitstring-status-list';
import { TrustError, describeError } from './errors.js';
import { fetchTextBounded, type FetchLike } from './http-fetch.js';
import { CREDENTIALS_V2_CONTEXT, describeCredential, issuerOf, type Credential, type StatusEntry } from './credential.js';
import type { VerifiedCredential } from './vc-jwt.js';
import { systemClock, type Clock } from './time.js';

export type StatusPurpose = 'revocation' | 'suspension';
export const STATUS_PURPOSES: readonly StatusPurpose[] = ['revocation', 'suspension'];
/** The spec's minimum list length (16 KiB of bits), which gives holders herd privacy. */
export const MIN_STATUS_LIST_LENGTH = 131_072;
/** Largest decompressed list a verifier accepts (8 Mi entries); a gzip bomb stops here. */
export const MAX_STATUS_LIST_BYTES = 1024 * 1024;

export interface StatusListState {
  id: string;
  purpose: StatusPurpose;
  length: number;
  encodedList: string;
  /** The same encoding, of the bits that mark allocated indices. */
  encodedAllocations: string;
}

function decodeBits(encodedList: unknown, what: string): Uint8Array {
  if (typeof encodedList !== 'string' || !encodedList.startsWith('u') || !/^u[A-Za-z0-9_-]+$/.test(encodedList)) {
    throw new TrustError('StatusCheckFailed', `${what}: encodedList must be multibase base64url (starting with "u")`);
  }
  try {
    return new Uint8Array(gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'), { maxOutputLength: MAX_STATUS_LIST_BYTES }));
  } catch (cause) {
    throw new TrustError('StatusCheckFailed', `${what}: encodedList is not a gzip-compressed bitstring of at most ${MAX_STATUS_LIST_BYTES} bytes: ${describeError(cause)}`, { cause });
  }
}

/** An issuer's status list: bits to publish and which indices have been given to credentials. */
export class StatusList {
  readonly #bits: BitstringStatusList;
  readonly #allocations: BitstringStatusList;
  #allocated: number;

  private constructor(
    readonly id: string,
    readonly purpose: StatusPurpose,
    bits: BitstringStatusList,
    allocations: BitstringStatusList,
  ) {
    this.#bits = bits;
    this.#allocations = allocations;
    let allocated = 0;
    for (let i = 0; i < allocations.length; i++) if (allocations.getStatus(i)) allocated++;
    this.#allocated = allocated;
  }

  static create(input: { id: string; purpose: StatusPurpose; length?: number }): StatusList {
    const length = input.length ?? MIN_STATUS_LIST_LENGTH;
    if (!Number.isInteger(length) || length < MIN_STATUS_LIST_LENGTH || length % 8 !== 0 || length > MAX_STATUS_LIST_BYTES * 8) {
      throw new TrustError('MalformedInput', `status list length must be a multiple of 8 from ${MIN_STATUS_LIST_LENGTH} to ${MAX_STATUS_LIST_BYTES * 8}, got ${length}`);
    }
    assertListId(input.id);
    if (!STATUS_PURPOSES.includes(input.purpose)) throw new TrustError('MalformedInput', `status purpose must be revocation or suspension, got ${String(input.purpose)}`);
    return new StatusList(input.id, input.purpose, new BitstringStatusList({ length }), new BitstringStatusList({ length }));
  }

  static restore(state: StatusListState): StatusList {
    assertListId(state.id);
    const bits = decodeBits(state.encodedList, `status list ${state.id}`);
    const allocations = decodeBits(state.encodedAllocations, `status list ${state.id} allocations`);
    if (bits.length * 8 !== state.length || allocations.length !== bits.length) {
      throw new TrustError('MalformedInput', `stored status list ${state.id} is damaged: its bitstrings do not have length ${state.length}`);
    }
    return new StatusList(state.id, state.purpose, new BitstringStatusList({ buffer: bits }), new BitstringStatusList({ buffer: allocations }));
  }

  get length(): number {
    return this.#bits.length;
  }

  get allocatedCount(): number {
    return this.#allocated;
  }

  /** A fresh index at a random free position (random, so an index reveals nothing about issuance order). */
  allocate(): number {
    if (this.#allocated >= this.length) throw new TrustError('MalformedInput', `status list ${this.id} is full (${this.length} entries); start a new list`);
    let index = -1;
    for (let attempt = 0; attempt < 64 && index < 0; attempt++) {
      const candidate = randomInt(this.length);
      if (!this.#allocations.getStatus(candidate)) index = candidate;
    }
    if (index < 0) {
      const start = randomInt(this.length);
      for (let step = 0; step < this.length; step++) {
        const candidate = (start + step) % this.length;
        if (!this.#allocations.getStatus(candidate)) {
          index = candidate;
          break;
        }
      }
    }
    this.#allocations.setStatus(index, true);
    this.#allocated++;
    return index;
  }

  /** The credentialStatus entry for a credential holding `index`. */
  entry(index: number): StatusEntry {
    this.#assertAllocated(index);
    return {
      id: `${this.id}#${index}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: this.purpose,
      statusListIndex: String(index),
      statusListCredential: this.id,
    };
  }

  /** Set (revoke / suspend) or clear (reinstate a suspended credential) the bit at `index`. */
  set(index: number, value: boolean): void {
    this.#assertAllocated(index);
    if (!value && this.purpose === 'revocation' && this.#bits.getStatus(index)) {
      throw new TrustError('MalformedInput', `index ${index} of ${this.id} is revoked; revocation is final (use a suspension list for reversible holds)`);
    }
    this.#bits.setStatus(index, value);
  }

  isSet(index: number): boolean {
    this.#assertAllocated(index);
    return this.#bits.getStatus(index);
  }

  async toState(): Promise<StatusListState> {
    return { id: this.id, purpose: this.purpose, length: this.length, encodedList: await this.#bits.encode(), encodedAllocations: await this.#allocations.encode() };
  }

  /** The unsigned BitstringStatusListCredential to sign (vc+jwt or Data Integrity) and publish at `id`. */
  async credential(input: { issuer: string; validFrom: Date; validUntil?: Date }): Promise<Credential> {
    return {
      '@context': [CREDENTIALS_V2_CONTEXT],
      id: this.id,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: input.issuer,
      validFrom: input.validFrom.toISOString(),
      ...(input.validUntil ? { validUntil: input.validUntil.toISOString() } : {}),
      credentialSubject: { id: `${this.id}#list`, type: 'BitstringStatusList', statusPurpose: this.purpose, encodedList: await this.#bits.encode() },
    };
  }

  #assertAllocated(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) throw new TrustError('MalformedInput', `index ${index} is outside status list ${this.id} (0..${this.length - 1})`);
    if (!this.#allocations.getStatus(index)) throw new TrustError('MalformedInput', `index ${index} of ${this.id} was never allocated`);
  }
}

function assertListId(id: string): void {
  let url: URL;
  try {
    url = new URL(id);
  } catch (cause) {
    throw new TrustError('MalformedInput', `status list id must be the https URL it is published at, got "${String(id).slice(0, 200)}"`, { cause });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TrustError('MalformedInput', `status list id must be an https URL, got ${url.protocol}`);
  if (url.hash) throw new TrustError('MalformedInput', 'status list id must not have a fragment');
}

/** Fetches and verifies a status list credential (signature, issuer key, validity); results may be cached. */
export type StatusListResolver = (url: string) => Promise<VerifiedCredential>;

export interface StatusListResolverOptions {
  /** Raw status list credential at `url`: vc+jwt text or a Data Integrity JSON object. */
  fetch: (url: string) => Promise<string | object>;
  /** Verify the raw credential; the same verification as for any credential. */
  verify: (raw: string | object) => Promise<VerifiedCredential>;
  clock?: Clock;
  /** How long a verified list is reused; revocations take up to this long to be seen. */
  cacheTtlMs?: number;
  maxCacheEntries?: number;
}

export function createStatusListResolver(options: StatusListResolverOptions): StatusListResolver {
  const ttl = options.cacheTtlMs ?? 60_000;
  const maxEntries = options.maxCacheEntries ?? 256;
  const clock = options.clock ?? systemClock;
  const cache = new Map<string, { list: Promise<VerifiedCredential>; expiresAt: number }>();
  return (url) => {
    const now = clock().getTime();
    const cached = cache.get(url);
    if (cached && cached.expiresAt > now) return cached.list;
    const list = (async () => options.verify(await options.fetch(url)))();
    list.catch(() => cache.delete(url));
    while (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(url, { list, expiresAt: now + ttl });
    return list;
  };
}

/** Fetch status list credentials over HTTPS (HTTP to loopback only when allowed). */
export function createHttpStatusListFetcher(options: { fetch?: FetchLike; allowHttpLoopback?: boolean; maxBytes?: number; timeoutMs?: number } = {}): (url: string) => Promise<string | object> {
  return async (url) => {
    const text = await fetchTextBounded(url, {
      fetch: options.fetch, allowHttpLoopback: options.allowHttpLoopback, maxBytes: options.maxBytes ?? 512 * 1024,
      timeoutMs: options.timeoutMs ?? 5000, accept: 'application/vc+jwt, application/vc+ld+json, application/json',
      failure: 'StatusCheckFailed', what: `fetching status list ${url}`,
    });
    const trimmed = text.trim();
    if (!trimmed.startsWith('{')) return trimmed;
    try {
      return JSON.parse(trimmed) as object;
    } catch (cause) {
      throw new TrustError('StatusCheckFailed', `status list ${url} is neither a vc+jwt nor JSON`, { cause });
    }
  };
}

export interface StatusCheck {
  purpose: string;
  statusListCredential: string;
  index: number;
  set: boolean;
}

function statusEntries(credential: Credential): StatusEntry[] {
  const status = credential.credentialStatus;
  if (status === undefined) return [];
  const entries = Array.isArray(status) ? status : [status];
  if (entries.length > 4) throw new TrustError('StatusCheckFailed', `${describeCredential(credential)} has ${entries.length} status entries; at most 4 are checked`);
  return entries;
}

/**
 * Check every status entry of `credential`; Revoked or Suspended when a bit is set, StatusCheckFailed
 * when a list cannot be fetched, does not verify, belongs to another issuer or does not fit the entry.
 */
export async function checkCredentialStatus(credential: Credential, resolveList: StatusListResolver): Promise<StatusCheck[]> {
  const what = describeCredential(credential);
  const checks: StatusCheck[] = [];
  for (const entry of statusEntries(credential)) {
    if (typeof entry !== 'object' || entry === null || entry.type !== 'BitstringStatusListEntry') {
      throw new TrustError('StatusCheckFailed', `${what}: credentialStatus type must be BitstringStatusListEntry; unknown status mechanisms are not trusted`);
    }
    if (!STATUS_PURPOSES.includes(entry.statusPurpose as StatusPurpose)) {
      throw new TrustError('StatusCheckFailed', `${what}: status purpose ${JSON.stringify(entry.statusPurpose)} is not understood (revocation or suspension)`);
    }
    if (typeof entry.statusListIndex !== 'string' || !/^(0|[1-9]\d{0,9})$/.test(entry.statusListIndex)) {
      throw new TrustError('StatusCheckFailed', `${what}: statusListIndex must be a decimal string`);
    }
    if (typeof entry.statusListCredential !== 'string') throw new TrustError('StatusCheckFailed', `${what}: statusListCredential must be a URL`);
    const index = Number(entry.statusListIndex);
    let list: VerifiedCredential;
    try {
      list = await resolveList(entry.statusListCredential);
    } catch (cause) {
      const reason = cause instanceof TrustError ? `${cause.reason}: ${cause.message}` : describeError(cause);
      throw new TrustError('StatusCheckFailed', `${what}: status list ${entry.statusListCredential} could not be verified (${reason})`, { cause });
    }
    const listWhat = `status list ${entry.statusListCredential}`;
    if (list.issuer !== issuerOf(credential)) throw new TrustError('StatusCheckFailed', `${listWhat} is issued by ${list.issuer}, not by the credential's issuer ${issuerOf(credential)}`);
    if (list.credential.id !== entry.statusListCredential) throw new TrustError('StatusCheckFailed', `${listWhat} carries id ${String(list.credential.id)}; it must be the URL it was fetched from`);
    if (!list.credential.type.includes('BitstringStatusListCredential')) throw new TrustError('StatusCheckFailed', `${listWhat} is not a BitstringStatusListCredential`);
    const subject = list.credential.credentialSubject;
    if (subject.type !== 'BitstringStatusList') throw new TrustError('StatusCheckFailed', `${listWhat} subject type must be BitstringStatusList`);
    if (subject.statusPurpose !== entry.statusPurpose) {
      throw new TrustError('StatusCheckFailed', `${listWhat} has purpose ${String(subject.statusPurpose)}, but the entry asks about ${entry.statusPurpose}`);
    }
    const bits = decodedBits(list, listWhat);
    if (bits.length * 8 < MIN_STATUS_LIST_LENGTH) throw new TrustError('StatusCheckFailed', `${listWhat} is shorter than the minimum of ${MIN_STATUS_LIST_LENGTH} entries`);
    if (index >= bits.length * 8) throw new TrustError('StatusCheckFailed', `${what}: index ${index} is beyond the end of ${listWhat}`);
    const set = new BitstringStatusList({ buffer: bits }).getStatus(index);
    if (set) {
      throw entry.statusPurpose === 'revocation'
        ? new TrustError('Revoked', `${what} is revoked (${listWhat}, index ${index})`)
        : new TrustError('Suspended', `${what} is suspended (${listWhat}, index ${index})`);
    }
    checks.push({ purpose: entry.statusPurpose, statusListCredential: entry.statusListCredential, index, set });
  }
  return checks;
}

const decoded = new WeakMap<VerifiedCredential, Uint8Array>();

function decodedBits(list: VerifiedCredential, what: string): Uint8Array {
  let bits = decoded.get(list);
  if (!bits) {
    bits = decodeBits(list.credential.credentialSubject.encodedList, what);
    decoded.set(list, bits);
  }
  return bits;
}
