// The offers this connector publishes, each with the compiled policy that governs it. Loaded from the
// configuration and the mounted compiled-policy files; a bad policy file stops the connector at start
// with every problem named, rather than publishing an offer it cannot enforce.
import { readFileSync } from 'node:fs';
import { defaultOfferId, parseCompiledPolicy, toOdrlOffer, type CompiledPolicy } from '@musubi/core/policy';
import type { OdrlPolicyJson } from '../protocol/index.js';
import type { DatasetMetadata, DataSourceConfig, OfferConfig } from '../config/schema.js';

export interface PublishedOffer {
  assetId: string;
  dataset: DatasetMetadata;
  source: DataSourceConfig;
  policy: CompiledPolicy;
  /** The ODRL offer id, unique per policy content and asset. */
  offerId: string;
}

export class OfferBook {
  readonly #byAsset = new Map<string, PublishedOffer>();
  readonly #byOfferId = new Map<string, PublishedOffer>();

  constructor(
    readonly participantDid: string,
    offers: Array<Omit<PublishedOffer, 'offerId'> & { offerId?: string }>,
  ) {
    for (const offer of offers) {
      if (this.#byAsset.has(offer.assetId)) throw new Error(`offers: assetId '${offer.assetId}' is published twice; asset ids must be unique`);
      const published = { ...offer, offerId: offer.offerId ?? defaultOfferId(offer.policy, offer.assetId) };
      this.#byAsset.set(offer.assetId, published);
      this.#byOfferId.set(published.offerId, published);
    }
  }

  /** Reads every offer's compiled policy file. */
  static load(participantDid: string, offers: OfferConfig[], readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): OfferBook {
    return new OfferBook(participantDid, offers.map((offer, i) => {
      let document: unknown;
      try {
        document = JSON.parse(readFile(offer.policyFile));
      } catch (cause) {
        throw new Error(`offers[${i}].policyFile ${offer.policyFile}: cannot read a compiled policy (${(cause as Error).message}); mount the musubi-policy ConfigMap of the offer's Policy there`, { cause });
      }
      const policy = parseCompiledPolicy(document, `offers[${i}].policyFile ${offer.policyFile}`);
      return { assetId: offer.assetId, dataset: offer.dataset, source: offer.source, policy };
    }));
  }

  all(): PublishedOffer[] {
    return [...this.#byAsset.values()];
  }

  byAssetId(assetId: string): PublishedOffer | undefined {
    return this.#byAsset.get(assetId);
  }

  byOfferId(offerId: string): PublishedOffer | undefined {
    return this.#byOfferId.get(offerId);
  }

  /** The offer as it appears in the catalog (no target) or in a negotiation message (with target). */
  odrlOffer(offer: PublishedOffer, placement: 'dataset' | 'message'): OdrlPolicyJson {
    return toOdrlOffer(offer.policy, { assigner: this.participantDid, target: offer.assetId, placement, offerId: offer.offerId }) as OdrlPolicyJson;
  }
}
