// The provider's change watcher: on a bounded interval it ends subscriptions whose agreement lapsed and
// checks the source of every subscribed offer for a new version. A new version is recorded with a
// compare-and-set in the transaction that queues the events, so replicas sharing a PostgreSQL store
// announce each change once. The first version seen of an offer is its baseline, announced to no one.
// Applications that know better (a backend without validators, a batch job) say so through the
// management API instead of waiting for the next round.
import type { ConnectorContext } from '../runtime/context.js';
import { nowIso, transact } from '../runtime/context.js';
import { PollingLoop } from '../runtime/polling-loop.js';
import type { PublishedOffer } from '../policy/offer-book.js';
import { probeOfferVersion, type FileDigestCache, type ProbedVersion } from './offer-version.js';
import type { ProviderSubscriptions } from './provider.js';

export interface ChangeOutcome {
  changed: boolean;
  version?: string;
  previousVersion?: string;
  notified: number;
  ended: number;
}

export class ChangeWatcher {
  readonly #loop: PollingLoop;
  readonly #files: FileDigestCache = new Map();

  constructor(
    private readonly ctx: ConnectorContext,
    private readonly subscriptions: ProviderSubscriptions,
    private readonly intervalMs: number,
  ) {
    this.#loop = new PollingLoop({
      // A round covers every subscribed offer, so it never asks for an immediate successor.
      round: async () => {
        await this.round();
        return false;
      },
      intervalMs: this.intervalMs,
      onError: (error) => this.ctx.log.error('change watch round failed', { error }),
    });
  }

  start(): void {
    this.#loop.start();
  }

  wake(): void {
    this.#loop.wake();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
  }

  /** One pass: lapsed subscriptions ended, every subscribed offer's source checked once. */
  async round(): Promise<void> {
    try {
      await this.subscriptions.endLapsed();
    } catch (error) {
      // Another replica ending the same subscription at the same moment; the next round sees it ended.
      this.ctx.log.warn('ending lapsed subscriptions failed; trying again next round', { error });
    }
    for (const assetId of await this.ctx.store.subscribedDatasets()) {
      if (!this.#loop.running) return;
      const offer = this.ctx.offers.byAssetId(assetId);
      if (!offer) continue;
      try {
        await this.check(offer);
      } catch (error) {
        this.ctx.log.warn('checking an offer\'s data for changes failed; trying again next round', { offer: assetId, error });
      }
    }
  }

  private probe(offer: PublishedOffer): Promise<ProbedVersion> {
    return probeOfferVersion(offer, { maxBytes: this.ctx.dataPlane.maxDataBytes, allowHttp: this.ctx.outbound.allowHttp }, this.#files);
  }

  /** Compares the source's version with the one last recorded and announces a difference. */
  async check(offer: PublishedOffer): Promise<ChangeOutcome> {
    const probedAt = this.ctx.clock().getTime();
    const probed = await this.probe(offer);
    return transact(this.ctx, async (tx, afterCommit) => {
      const stored = await tx.offerVersion(offer.assetId);
      const unchanged: ChangeOutcome = { changed: false, version: probed.version, notified: 0, ended: 0 };
      if (stored?.version === probed.version) return unchanged;
      // Another replica looked after this probe began: what it saw is newer than what this probe saw.
      if (stored && Date.parse(stored.observedAt) > probedAt) return unchanged;
      const now = nowIso(this.ctx);
      // Another replica that saw the same change first has announced it already.
      if (!(await tx.replaceOfferVersion(stored?.version, { assetId: offer.assetId, ...probed, observedAt: now, changedAt: now }))) return unchanged;
      if (!stored) return unchanged;
      await tx.appendAudit({ processKey: `offer:${offer.assetId}`, event: 'offer.changed', detail: { version: probed.version, previousVersion: stored.version, trigger: probed.trigger } });
      const announced = await this.subscriptions.announceChange(tx, afterCommit, offer.assetId, { trigger: probed.trigger, version: probed.version, previousVersion: stored.version });
      return { changed: true, version: probed.version, previousVersion: stored.version, ...announced };
    });
  }

  /**
   * An application reports a change of `offer`'s data. The source's current version becomes the
   * recorded one, so the watcher does not announce the same change a second time.
   */
  async reportedChange(offer: PublishedOffer, report: { version?: string; note?: string }): Promise<ChangeOutcome> {
    const probedAt = this.ctx.clock().getTime();
    let probed: ProbedVersion | undefined;
    try {
      probed = await this.probe(offer);
    } catch (error) {
      this.ctx.log.warn('the reported change is announced without the source\'s version: probing it failed', { offer: offer.assetId, error });
    }
    return transact(this.ctx, async (tx, afterCommit) => {
      const stored = await tx.offerVersion(offer.assetId);
      const now = nowIso(this.ctx);
      if (probed && probed.version !== stored?.version && !(stored && Date.parse(stored.observedAt) > probedAt)) {
        await tx.replaceOfferVersion(stored?.version, { assetId: offer.assetId, ...probed, observedAt: now, changedAt: now });
      }
      const version = report.version ?? probed?.version;
      await tx.appendAudit({ processKey: `offer:${offer.assetId}`, event: 'offer.changed', detail: { version: version ?? null, previousVersion: stored?.version ?? null, trigger: 'application', note: report.note ?? null } });
      const announced = await this.subscriptions.announceChange(tx, afterCommit, offer.assetId, {
        trigger: 'application', ...(version !== undefined && { version }), ...(stored && { previousVersion: stored.version }), ...(report.note !== undefined && { note: report.note }),
      });
      return { changed: true, ...(version !== undefined && { version }), ...(stored && { previousVersion: stored.version }), ...announced };
    });
  }
}
