// The anchor's signed trust list (its keys and the anchors it recognises, with their freshness), signed on
// demand and reused until the recognitions change or half of its validity has passed.
import { issueTrustList, type Clock, type KeyPair, type PinnedJwk } from '@musubi/core/trust';
import type { RecognitionManager } from './recognition.js';

export class TrustListPublisher {
  #cached?: { jwt: string; version: number; signedAt: number; validUntil: Date };

  constructor(
    private readonly options: {
      key: KeyPair;
      jurisdiction: string;
      name?: string;
      validityMs: number;
      clock: Clock;
      recognition: RecognitionManager;
    },
  ) {}

  async current(): Promise<{ jwt: string; validUntil: Date }> {
    const { recognition, clock, validityMs, key } = this.options;
    const now = clock().getTime();
    const cached = this.#cached;
    if (cached && cached.version === recognition.version && now - cached.signedAt < validityMs / 2) return cached;
    const version = recognition.version;
    const validUntil = new Date(now + validityMs);
    const ownKey: PinnedJwk = { ...key.publicJwk, kid: key.kid };
    const jwt = await issueTrustList({
      anchorKey: key,
      jurisdiction: this.options.jurisdiction,
      keys: [ownKey],
      recognises: recognition.publishedEntries(),
      validFrom: new Date(now),
      validUntil,
      ...(this.options.name ? { name: this.options.name } : {}),
    });
    this.#cached = { jwt, version, signedAt: now, validUntil };
    return this.#cached;
  }
}
