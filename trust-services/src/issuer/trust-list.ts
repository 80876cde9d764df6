// The anchor's signed trust list (its keys and the anchors it recognises, with their freshness). Every
// signature gets a new id and validity window, and the operator copies the signed text into the
// connectors' configuration, where a changed text rolls the pods; so a list is re-signed only when
// what it says changes, or when what it vouches for is about to run out — never merely because a
// refresh ran.
import { createHash } from 'node:crypto';
import { issueTrustList, type Clock, type KeyPair, type PinnedJwk, type RecognisedAnchorEntry } from '@musubi/core/trust';
import type { RecognitionManager } from './recognition.js';

/** Re-sign once less than this share of a validity window is left. */
export const RENEW_WHEN_LEFT = 1 / 3;

interface SignedList {
  jwt: string;
  signedAt: number;
  validUntil: Date;
  content: string;
  recognises: RecognisedAnchorEntry[];
}

/**
 * What the list says, apart from when it was signed and when the recognised lists were last fetched:
 * the anchor's keys, jurisdiction and name, and per recognised anchor its DID, keys, staleness limit
 * and attribute mappings. The freshness fields are renewed by `recognitionRunningOut` instead.
 */
export function trustListContent(input: { jurisdiction: string; name?: string; keys: PinnedJwk[]; recognises: RecognisedAnchorEntry[] }): string {
  const recognises = input.recognises.map(({ trustListFetchedAt: _fetched, validUntil: _until, ...rest }) => rest);
  return createHash('sha256').update(JSON.stringify({ jurisdiction: input.jurisdiction, name: input.name ?? null, keys: input.keys, recognises })).digest('hex');
}

/** Whether a window from `from` to `until` has less than RENEW_WHEN_LEFT of it left at `now`. */
function runningOut(from: number, until: number, now: number): boolean {
  return until - now < (until - from) * RENEW_WHEN_LEFT;
}

/**
 * Whether the freshness a signed entry vouches for is running out while a fresher one is known:
 * verifiers refuse a recognised anchor's credentials once its signed trustListFetchedAt is older than
 * maxStalenessSeconds, or once the recognised list's validUntil passed.
 */
export function recognitionRunningOut(signed: RecognisedAnchorEntry, current: RecognisedAnchorEntry, now: number): boolean {
  const fetched = Date.parse(signed.trustListFetchedAt);
  const newer = Date.parse(current.trustListFetchedAt) > fetched || current.validUntil !== signed.validUntil;
  if (!newer) return false;
  if (runningOut(fetched, fetched + signed.maxStalenessSeconds * 1000, now)) return true;
  return signed.validUntil !== undefined && runningOut(fetched, Date.parse(signed.validUntil), now);
}

export class TrustListPublisher {
  #signed?: SignedList;

  constructor(
    private readonly options: {
      key: KeyPair;
      jurisdiction: string;
      name?: string;
      validityMs: number;
      clock: Clock;
      recognition: Pick<RecognitionManager, 'publishedEntries'>;
    },
  ) {}

  async current(): Promise<{ jwt: string; validUntil: Date }> {
    const { recognition, clock, validityMs, key, jurisdiction, name } = this.options;
    const now = clock().getTime();
    const keys: PinnedJwk[] = [{ ...key.publicJwk, kid: key.kid }];
    const recognises = recognition.publishedEntries();
    const content = trustListContent({ jurisdiction, ...(name ? { name } : {}), keys, recognises });
    const signed = this.#signed;
    if (signed && !this.#due(signed, content, recognises, now)) return signed;
    const validUntil = new Date(now + validityMs);
    const jwt = await issueTrustList({
      anchorKey: key,
      jurisdiction,
      keys,
      recognises,
      validFrom: new Date(now),
      validUntil,
      ...(name ? { name } : {}),
    });
    this.#signed = { jwt, signedAt: now, validUntil, content, recognises };
    return this.#signed;
  }

  #due(signed: SignedList, content: string, recognises: RecognisedAnchorEntry[], now: number): boolean {
    if (signed.content !== content) return true;
    if (now < signed.signedAt || runningOut(signed.signedAt, signed.validUntil.getTime(), now)) return true;
    // Same content means the same anchors in the same order.
    return signed.recognises.some((entry, i) => recognitionRunningOut(entry, recognises[i] as RecognisedAnchorEntry, now));
  }
}
