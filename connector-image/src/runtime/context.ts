// What the protocol services share: the store, the offers, the outbound policy, logging and metrics.
// transact() is the one way state changes: the work's writes commit together, and what must only
// happen once they are durable (metrics, waking the dispatcher) runs after the commit.
import type { OfferBook } from '../policy/offer-book.js';
import type { Logger } from '../observability/logger.js';
import type { ConnectorMetrics } from '../observability/metrics.js';
import type { OutboundPolicy } from '../net/outbound-http.js';
import type { ConnectorStore, StoreTx } from '../store/store.js';

export interface DataPlaneSettings {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** The most one transfer may carry (pull or push); a transfer is cut off when it passes it. */
  maxDataBytes: number;
  /** A data stream that moves no byte for this long is abandoned (instead of a deadline for the whole transfer). */
  idleTimeoutMs: number;
}

export interface ConnectorContext {
  participantDid: string;
  /** The DSP base URL: where counter-parties reach this connector, and its callback address. */
  publicUrl: string;
  store: ConnectorStore;
  offers: OfferBook;
  outbound: OutboundPolicy & { timeoutMs: number };
  dataPlane: DataPlaneSettings;
  log: Logger;
  metrics: ConnectorMetrics;
  clock: () => Date;
  /** Tells the dispatcher new work was committed. */
  wake: () => void;
  /** Sees every DSP message this connector sends or receives (after schema validation), e.g. for debug logs. */
  observeWire?: WireObserver;
}

export type WireObserver = (event: { direction: 'sent' | 'received'; messageType: string; message: unknown }) => void;

export type AfterCommit = (hook: () => void) => void;

export async function transact<T>(ctx: ConnectorContext, work: (tx: StoreTx, afterCommit: AfterCommit) => Promise<T>): Promise<T> {
  const hooks: Array<() => void> = [];
  const result = await ctx.store.transaction((tx) => work(tx, (hook) => hooks.push(hook)));
  for (const hook of hooks) {
    try {
      hook();
    } catch (error) {
      ctx.log.warn('after-commit hook failed', { error });
    }
  }
  return result;
}

export function nowIso(ctx: ConnectorContext): string {
  return ctx.clock().toISOString();
}
