// Push notifications of one connector, both roles: the provider's subscriptions, change watcher and
// event delivery, and the consumer's subscriptions and event intake, started and stopped together.
import type express from 'express';
import type { KeyPair, KeyResolver } from '@musubi/core/trust';
import type { DeliverySettings } from '../dispatch/dispatcher.js';
import type { CallerAuthenticator, CallerCredentials } from '../identity/caller.js';
import type { ConnectorContext } from '../runtime/context.js';
import { ConsumerSubscriptions } from './consumer.js';
import { EventDispatcher } from './delivery.js';
import { ProviderSubscriptions } from './provider.js';
import { createNotificationRouter } from './routes.js';
import { ChangeWatcher } from './watch.js';

export interface NotificationSettings {
  /** Signs the events this connector sends as provider: a key of its DID listed under assertionMethod. */
  signingKey?: KeyPair;
  /** Resolves providers' DIDs to their keys, to verify the events this connector receives. */
  keys?: KeyResolver;
  /** How often subscribed offers' sources are checked for changes; default one minute. */
  pollIntervalMs?: number;
  maxSubscriptionsPerAgreement?: number;
}

export class Notifications {
  readonly provider: ProviderSubscriptions;
  readonly consumer: ConsumerSubscriptions;
  readonly watcher: ChangeWatcher;
  readonly delivery: EventDispatcher;

  constructor(
    private readonly ctx: ConnectorContext,
    deps: { credentials: CallerCredentials; delivery: DeliverySettings; settings: NotificationSettings },
  ) {
    const { settings } = deps;
    this.provider = new ProviderSubscriptions(ctx, {
      ...(settings.signingKey && { signingKey: settings.signingKey }), maxSubscriptionsPerAgreement: settings.maxSubscriptionsPerAgreement ?? 8,
    }, { watcher: () => this.watcher.wake(), dispatcher: () => this.delivery.wake() });
    this.consumer = new ConsumerSubscriptions(ctx, deps.credentials, settings.keys);
    this.watcher = new ChangeWatcher(ctx, this.provider, settings.pollIntervalMs ?? 60_000);
    this.delivery = new EventDispatcher(ctx, { subscriptions: this.provider, signingKey: settings.signingKey, settings: deps.delivery });
  }

  router(authenticator: CallerAuthenticator): express.Router {
    return createNotificationRouter(this.ctx, { authenticator, provider: this.provider, consumer: this.consumer });
  }

  start(): void {
    this.delivery.start();
    this.watcher.start();
  }

  async stop(): Promise<void> {
    await this.watcher.stop();
    await this.delivery.stop();
  }
}
