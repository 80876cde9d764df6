// Mutual recognition: on an interval the anchor fetches the trust list of every anchor it recognises,
// verifies it against the keys pinned in its configuration, and records when it last succeeded. That
// time is what freshness is measured from, so it is kept in the storage directory: a restart must not
// make a stale recognition look fresh. The verifying trust store is rebuilt from these records.
import {
  TrustStore, didWebToUrl, fetchVerifiedTrustList, isTrustError, type AnchorConfig, type Clock, type PinnedJwk, type RecognisedAnchorConfig,
  type RecognisedAnchorEntry, type TransparencyLog,
} from '@musubi/core/trust';
import { z } from 'zod';
import type { Logger } from '@musubi/core/logging';
import { JsonStateFile } from '../storage/json-state.js';
import type { RecognisedAnchorConfig as RecognitionConfig } from './config.js';

const StoredRecognition = z.record(
  z.string(),
  z.strictObject({
    did: z.string(),
    lastRefreshTime: z.string().optional(),
    validUntil: z.string().optional(),
    lastAttemptTime: z.string().optional(),
    lastError: z.strictObject({ reason: z.string(), message: z.string() }).optional(),
    consecutiveFailures: z.number().int().min(0).default(0),
  }),
);
type StoredRecognition = z.infer<typeof StoredRecognition>;
type Record_ = StoredRecognition[string];

export type RecognitionState = 'Pending' | 'Fresh' | 'Stale' | 'Unreachable';

export interface RecognitionStatus {
  name: string;
  did: string;
  jurisdiction: string;
  state: RecognitionState;
  trustListURL: string;
  lastRefreshTime?: string;
  validUntil?: string;
  lastAttemptTime?: string;
  /** Seconds since the last successful refresh. */
  ageSeconds?: number;
  maxStalenessSeconds: number;
  consecutiveFailures: number;
  lastError?: { reason: string; message: string };
}

export interface RecognitionOptions {
  recognitions: RecognitionConfig[];
  ownAnchor: AnchorConfig;
  storagePath: string;
  clock: Clock;
  allowHttpLoopback: boolean;
  timeoutMs: number;
  logger: Logger;
  transparency: TransparencyLog;
  /** How failed refreshes are retried; the defaults suit production. */
  retry?: Partial<RetryPolicy>;
}

export interface RetryPolicy {
  /** Delay before the first retry; it doubles with every further failure, up to the refresh interval. */
  initialMs: number;
  /** Source of the jitter (0 ≤ x < 1), so issuers that failed together do not retry in lockstep. */
  random: () => number;
}

const DEFAULT_RETRY: RetryPolicy = { initialMs: 5000, random: Math.random };

/**
 * When to refresh next: after the interval when the last run succeeded for every recognised anchor;
 * otherwise exponential backoff from `initialMs` on the most failures in a row, ±20 % jitter, never
 * later than the interval. Anchors start in any order, so the first to start usually finds the other
 * not yet serving; waiting a whole interval (an hour by default) would report it Unreachable that long.
 */
export function nextRefreshDelayMs(consecutiveFailures: number, intervalMs: number, retry: RetryPolicy = DEFAULT_RETRY): number {
  if (consecutiveFailures <= 0) return intervalMs;
  const backoff = retry.initialMs * 2 ** Math.min(consecutiveFailures - 1, 30);
  const jittered = backoff * (0.8 + 0.4 * retry.random());
  return Math.max(1, Math.round(Math.min(intervalMs, jittered)));
}

function pinnedOf(recognition: RecognitionConfig): PinnedJwk[] {
  return recognition.keys.map(({ alg: _alg, ...key }) => ({ ...key, kid: key.kid.startsWith('did:') ? key.kid : `${recognition.did}#${key.kid.replace(/^#/, '')}` }));
}

/** <base URL of the DID>/trust-list, where Musubi anchors publish their trust list. */
export function defaultTrustListUrl(did: string, allowHttpLoopback: boolean): string {
  return didWebToUrl(did, { allowHttpLoopback }).replace(/\/(\.well-known\/)?did\.json$/, '/trust-list');
}

export class RecognitionManager {
  readonly #options: RecognitionOptions;
  readonly #file: JsonStateFile<typeof StoredRecognition>;
  readonly #records: StoredRecognition;
  #store?: TrustStore;
  #version = 0;
  #timer?: NodeJS.Timeout;
  #stopped = false;
  #refreshing?: Promise<void>;
  readonly #retry: RetryPolicy;

  constructor(options: RecognitionOptions) {
    this.#options = options;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#file = new JsonStateFile(options.storagePath, StoredRecognition);
    const stored = this.#file.load({});
    // A recognition whose anchor DID changed in the config starts over: its old freshness is not its.
    this.#records = Object.fromEntries(options.recognitions.map((r) => [r.name, stored[r.name]?.did === r.did ? (stored[r.name] as Record_) : { did: r.did, consecutiveFailures: 0 }]));
  }

  /** Increases whenever the set of fresh recognitions may have changed (the trust list must be re-signed). */
  get version(): number {
    return this.#version;
  }

  async start(intervalMs: number): Promise<void> {
    await this.#rebuild();
    this.#stopped = false;
    const run = async (): Promise<void> => {
      await this.refreshAll();
      if (this.#stopped) return;
      this.#timer = setTimeout(() => void run(), this.nextRefreshDelayMs(intervalMs));
      this.#timer.unref();
    };
    void run();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  /** Delay until the next scheduled refresh, from the failures recorded so far (see nextRefreshDelayMs). */
  nextRefreshDelayMs(intervalMs: number): number {
    const failures = Math.max(0, ...Object.values(this.#records).map((r) => r.consecutiveFailures));
    return nextRefreshDelayMs(failures, intervalMs, this.#retry);
  }

  /** Refresh every recognised anchor now (one run at a time; a second caller waits for the running one). */
  refreshAll(): Promise<void> {
    if (!this.#refreshing) {
      this.#refreshing = (async () => {
        try {
          for (const recognition of this.#options.recognitions) await this.#refresh(recognition);
          await this.#rebuild();
        } finally {
          this.#refreshing = undefined;
        }
      })();
    }
    return this.#refreshing;
  }

  async trustStore(): Promise<TrustStore> {
    if (!this.#store) await this.#rebuild();
    return this.#store as TrustStore;
  }

  status(): RecognitionStatus[] {
    const now = this.#options.clock().getTime();
    return this.#options.recognitions.map((recognition) => {
      const record = this.#records[recognition.name] as Record_;
      const age = record.lastRefreshTime ? (now - new Date(record.lastRefreshTime).getTime()) / 1000 : undefined;
      const expired = record.validUntil !== undefined && now > new Date(record.validUntil).getTime();
      const fresh = age !== undefined && age <= recognition.maxStalenessSeconds && !expired;
      const state: RecognitionState = fresh ? 'Fresh' : record.lastRefreshTime ? 'Stale' : record.lastAttemptTime ? 'Unreachable' : 'Pending';
      return {
        name: recognition.name,
        did: recognition.did,
        jurisdiction: recognition.jurisdiction,
        state,
        trustListURL: this.#urlOf(recognition),
        ...(record.lastRefreshTime ? { lastRefreshTime: record.lastRefreshTime } : {}),
        ...(record.validUntil ? { validUntil: record.validUntil } : {}),
        ...(record.lastAttemptTime ? { lastAttemptTime: record.lastAttemptTime } : {}),
        ...(age !== undefined ? { ageSeconds: Math.round(age) } : {}),
        maxStalenessSeconds: recognition.maxStalenessSeconds,
        consecutiveFailures: record.consecutiveFailures,
        ...(record.lastError ? { lastError: record.lastError } : {}),
      };
    });
  }

  /** Recognised anchors to publish in this anchor's own trust list (only those refreshed at least once). */
  publishedEntries(): RecognisedAnchorEntry[] {
    return this.#recognisedConfigs()
      .filter((r) => new Date(r.trustListFetchedAt).getTime() > 0)
      .map((r) => ({
        did: r.did,
        jurisdiction: r.jurisdiction,
        keys: r.keys,
        trustListFetchedAt: new Date(r.trustListFetchedAt).toISOString(),
        ...(r.validUntil ? { validUntil: new Date(r.validUntil).toISOString() } : {}),
        maxStalenessSeconds: r.maxStalenessSeconds,
        ...(r.attributeMapping?.length ? { attributeMapping: r.attributeMapping } : {}),
        ...(r.name ? { name: r.name } : {}),
      }));
  }

  #urlOf(recognition: RecognitionConfig): string {
    return recognition.trustListURL;
  }

  #recognisedConfigs(): RecognisedAnchorConfig[] {
    return this.#options.recognitions.map((recognition) => {
      const record = this.#records[recognition.name] as Record_;
      return {
        did: recognition.did,
        jurisdiction: recognition.jurisdiction,
        name: recognition.name,
        keys: pinnedOf(recognition),
        // Never refreshed: listed with the epoch, so its credentials are refused as StaleRecognition
        // (the anchor is configured, just not yet confirmed) rather than as unknown.
        trustListFetchedAt: record.lastRefreshTime ?? new Date(0),
        ...(record.validUntil ? { validUntil: record.validUntil } : {}),
        maxStalenessSeconds: recognition.maxStalenessSeconds,
        attributeMapping: recognition.attributeMapping,
      };
    });
  }

  async #rebuild(): Promise<void> {
    this.#store = await TrustStore.create({ own: [this.#options.ownAnchor], recognised: this.#recognisedConfigs(), clock: this.#options.clock });
    this.#version++;
  }

  async #refresh(recognition: RecognitionConfig): Promise<void> {
    const record = this.#records[recognition.name] as Record_;
    const now = this.#options.clock();
    const url = this.#urlOf(recognition);
    record.lastAttemptTime = now.toISOString();
    try {
      // Verified against the pinned keys; this is also what lets it travel over in-cluster plain HTTP.
      const { list } = await fetchVerifiedTrustList(url, { did: recognition.did, jurisdiction: recognition.jurisdiction, keys: pinnedOf(recognition) }, {
        timeoutMs: this.#options.timeoutMs, maxBytes: 256 * 1024, allowHttpLoopback: this.#options.allowHttpLoopback, clock: this.#options.clock,
      });
      const firstConfirmation = record.lastRefreshTime === undefined || record.validUntil !== list.validUntil.toISOString();
      record.lastRefreshTime = now.toISOString();
      record.validUntil = list.validUntil.toISOString();
      record.consecutiveFailures = 0;
      delete record.lastError;
      if (firstConfirmation) {
        this.#options.transparency.append({ type: 'RecognitionRefreshed', anchor: recognition.did, jurisdiction: recognition.jurisdiction, trustListValidUntil: record.validUntil });
      }
      this.#options.logger.debug('recognised anchor refreshed', { recognition: recognition.name, did: recognition.did, validUntil: record.validUntil });
    } catch (error) {
      const reason = isTrustError(error) ? (error.reason === 'TrustListUnavailable' ? 'Unreachable' : error.reason) : 'Unreachable';
      record.consecutiveFailures += 1;
      record.lastError = { reason, message: (error as Error).message.slice(0, 500) };
      this.#options.logger.warn('recognised anchor refresh failed', { recognition: recognition.name, did: recognition.did, reason, error: (error as Error).message });
    }
    this.#file.save(this.#records);
  }
}
