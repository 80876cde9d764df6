// One running connector: the DSP server (protocol + data plane), the management server, the metrics
// server, and the outbox dispatcher, over one store. Everything it needs is passed in, so the same code
// runs from a configuration file in a pod (from-config.ts) and from a test.
import express from 'express';
import type { CallerAuthenticator, CallerCredentials } from '../identity/caller.js';
import { createDataPlaneRouter, prepareDataPlaneServer } from '../dataplane/routes.js';
import { createDspApp } from '../http/dsp-app.js';
import { createManagementApp } from '../management/app.js';
import { Negotiations } from '../negotiation/service.js';
import type { ProviderNegotiationReactions } from '../negotiation/provider.js';
import type { ConsumerNegotiationReactions } from '../negotiation/consumer.js';
import { Transfers } from '../transfer/service.js';
import type { ProviderTransferReactions } from '../transfer/provider.js';
import { OutboxDispatcher, type DeliverySettings } from '../dispatch/dispatcher.js';
import { Notifications, type NotificationSettings } from '../notifications/service.js';
import { createConnectorMetrics } from '../observability/metrics.js';
import { createJsonLogger, type Logger } from '../observability/logger.js';
import type { OfferBook } from '../policy/offer-book.js';
import type { ConnectorContext, DataPlaneSettings, WireObserver } from '../runtime/context.js';
import type { OutboundPolicy } from '../net/outbound-http.js';
import type { ConnectorStore } from '../store/store.js';
import { listen, type Listening } from './servers.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface ConnectorOptions {
  participantDid: string;
  publicUrl: string;
  listen: { dsp: Endpoint; management: Endpoint; metrics?: Endpoint };
  maxBodyBytes: number;
  store: ConnectorStore;
  offers: OfferBook;
  authenticator: CallerAuthenticator;
  credentials: CallerCredentials;
  managementTokenFile: string;
  outbound: OutboundPolicy & { timeoutMs: number };
  delivery: DeliverySettings;
  dataPlane: DataPlaneSettings;
  /** Push notifications: the key events are signed with (provider) and the DID key resolver that verifies them (consumer). */
  notifications?: NotificationSettings;
  log?: Logger;
  clock?: () => Date;
  observeWire?: WireObserver;
  /**
   * Who decides the next step: Musubi's policy engine (provider) and automatic acceptance of what was asked
   * for (consumer), unless a profile (e.g. the TCK's) says otherwise.
   */
  reactions?: { negotiation?: ProviderNegotiationReactions; consumerNegotiation?: ConsumerNegotiationReactions; transfer?: ProviderTransferReactions };
  defaultMetrics?: boolean;
  /** Why the connector cannot serve now although it runs (e.g. its trust list expired); shown by /readyz. */
  notReadyReason?: () => string | undefined;
}

export interface RunningConnector {
  ctx: ConnectorContext;
  negotiations: Negotiations;
  transfers: Transfers;
  notifications: Notifications;
  urls: { dsp: string; management: string; metrics?: string };
  stop(): Promise<void>;
}

export async function startConnector(options: ConnectorOptions): Promise<RunningConnector> {
  const log = options.log ?? createJsonLogger({}, { participant: options.participantDid });
  const metrics = createConnectorMetrics(options.store, { defaultMetrics: options.defaultMetrics ?? false });
  const ctx: ConnectorContext = {
    participantDid: options.participantDid,
    publicUrl: options.publicUrl.replace(/\/+$/, ''),
    store: options.store,
    offers: options.offers,
    outbound: options.outbound,
    dataPlane: options.dataPlane,
    log,
    metrics,
    clock: options.clock ?? (() => new Date()),
    wake: () => dispatcher.wake(),
    ...(options.observeWire && { observeWire: options.observeWire }),
  };
  const negotiations = new Negotiations(ctx, options.reactions?.negotiation, options.reactions?.consumerNegotiation);
  const transfers = new Transfers(ctx, options.reactions?.transfer);
  const dispatcher = new OutboxDispatcher(ctx, { credentials: options.credentials, negotiations, transfers, settings: options.delivery });
  const notifications = new Notifications(ctx, { credentials: options.credentials, delivery: options.delivery, settings: options.notifications ?? {} });

  const listening: Listening[] = [];
  let ready = false;
  try {
    const dsp = await listen(createDspApp(ctx, {
      authenticator: options.authenticator, negotiations, transfers, maxBodyBytes: options.maxBodyBytes,
      routers: [createDataPlaneRouter(ctx), notifications.router(options.authenticator)],
    }), options.listen.dsp.host, options.listen.dsp.port);
    prepareDataPlaneServer(dsp.server);
    listening.push(dsp);
    const management = await listen(createManagementApp(ctx, { tokenFile: options.managementTokenFile, credentials: options.credentials, negotiations, transfers, notifications }), options.listen.management.host, options.listen.management.port);
    listening.push(management);
    let metricsUrl: string | undefined;
    if (options.listen.metrics) {
      const app = express();
      app.disable('x-powered-by');
      app.get('/metrics', async (_req, res) => {
        res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
      });
      app.get('/healthz', (_req, res) => {
        res.json({ status: 'ok' });
      });
      app.get('/readyz', async (_req, res) => {
        try {
          if (!ready) throw new Error('starting');
          const reason = options.notReadyReason?.();
          if (reason) throw new Error(reason);
          await options.store.ping();
          res.json({ status: 'ready', store: options.store.kind });
        } catch (error) {
          res.status(503).json({ status: 'not ready', reason: (error as Error).message });
        }
      });
      const served = await listen(app, options.listen.metrics.host, options.listen.metrics.port);
      listening.push(served);
      metricsUrl = served.url;
    }
    await dispatcher.start();
    notifications.start();
    ready = true;
    log.info('connector started', { dsp: dsp.url, publicUrl: ctx.publicUrl, management: management.url, metrics: metricsUrl, store: options.store.kind, offers: options.offers.all().length });
    return {
      ctx,
      negotiations,
      transfers,
      notifications,
      urls: { dsp: dsp.url, management: management.url, ...(metricsUrl && { metrics: metricsUrl }) },
      async stop() {
        ready = false;
        for (const l of listening) await l.close();
        await dispatcher.stop();
        await notifications.stop();
        log.info('connector stopped');
      },
    };
  } catch (error) {
    for (const l of listening) await l.close();
    throw error;
  }
}
