// The management API's part of push notifications. Consumer: subscribe to the dataset of an agreement,
// read the events received, unsubscribe. Provider: see who subscribed, report that an offer's data
// changed (for sources whose changes the watcher cannot see), end a subscription.
import type express from 'express';
import type { Request } from 'express';
import type { Notifications } from '../notifications/service.js';
import { SubscriptionNotFound } from '../notifications/consumer.js';
import type { ConnectorContext } from '../runtime/context.js';
import type { ReceivedEvent, SubscriptionRecord } from '../store/records.js';
import { parse, route } from './request.js';
import { ChangeReport, EndSubscriptionRequest, EventListQuery, SubscribeRequest, SubscriptionListQuery } from './schemas.js';
import { deliveryView } from './views.js';

export function subscriptionView(record: SubscriptionRecord): Record<string, unknown> {
  const { version: _version, consumer: _consumer, purpose: _purpose, ...view } = record;
  return view;
}

export function receivedEventView(event: ReceivedEvent): Record<string, unknown> {
  const { claims } = event;
  return {
    eventId: event.eventId, seq: event.seq, type: claims.type, datasetId: claims.datasetId, agreementId: claims.agreementId, changedAt: claims.changedAt, receivedAt: event.receivedAt,
    ...(claims.version !== undefined && { version: claims.version }), ...(claims.previousVersion !== undefined && { previousVersion: claims.previousVersion }),
    ...(claims.trigger !== undefined && { trigger: claims.trigger }), ...(claims.note !== undefined && { note: claims.note }), ...(claims.reason && { reason: claims.reason }),
    jws: event.jws,
  };
}

export function mountSubscriptionRoutes(app: express.Express, ctx: ConnectorContext, notifications: Notifications): void {
  const id = (req: Request): string => String(req.params.id);
  const find = async (localId: string): Promise<SubscriptionRecord> => {
    const record = await ctx.store.transaction((tx) => tx.subscription(localId));
    if (!record) throw new SubscriptionNotFound(localId);
    return record;
  };

  app.get('/subscriptions', route(async (req, res) => {
    const q = parse(SubscriptionListQuery, req.query, 'query');
    res.json((await ctx.store.transaction((tx) => tx.listSubscriptions(q))).map(subscriptionView));
  }));
  app.post('/subscriptions', route(async (req, res) => {
    const input = parse(SubscribeRequest, req.body, 'body');
    res.status(201).json(subscriptionView(await notifications.consumer.subscribe(input.agreementId)));
  }));
  app.get('/subscriptions/:id', route(async (req, res) => {
    const record = await find(id(req));
    const jobs = record.role === 'provider' ? await ctx.store.transaction((tx) => tx.outboxOf(record.localId)) : [];
    res.json({ ...subscriptionView(record), ...(record.role === 'provider' && { deliveries: jobs.map(deliveryView) }) });
  }));
  app.get('/subscriptions/:id/events', route(async (req, res) => {
    const q = parse(EventListQuery, req.query, 'query');
    const record = await find(id(req));
    res.json((await ctx.store.receivedEvents(record.localId, q)).map(receivedEventView));
  }));
  app.post('/subscriptions/:id/end', route(async (req, res) => {
    const input = parse(EndSubscriptionRequest, req.body, 'body');
    const record = await find(id(req));
    const ended = record.role === 'consumer' ? await notifications.consumer.unsubscribe(record.localId) : await notifications.provider.endByProvider(record.localId, input.reason);
    res.json(subscriptionView(ended ?? record));
  }));

  app.post('/offers/:assetId/changed', route(async (req, res) => {
    const input = parse(ChangeReport, req.body, 'body');
    const assetId = String(req.params.assetId);
    const offer = ctx.offers.byAssetId(assetId);
    if (!offer) {
      res.status(404).json({ error: 'NotFound', message: `this connector offers no dataset '${assetId.slice(0, 200)}'; see GET /offers` });
      return;
    }
    const outcome = await notifications.watcher.reportedChange(offer, { ...(input.version !== undefined && { version: input.version }), ...(input.note !== undefined && { note: input.note }) });
    res.status(202).json({
      assetId, ...(outcome.version !== undefined && { version: outcome.version }), ...(outcome.previousVersion !== undefined && { previousVersion: outcome.previousVersion }),
      notified: outcome.notified, ended: outcome.ended,
    });
  }));
}
