// The management API (its own port, bearer token): what an operator or an application uses to see this
// connector's offers, browse other connectors' catalogs, negotiate, transfer and fetch data, and to
// read the policy denials and the audit log.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { CallerCredentials } from '../identity/caller.js';
import { OutboundFailed, OutboundRefused } from '../net/outbound-http.js';
import { DspMessageInvalid, type OdrlPolicyJson } from '../protocol/index.js';
import { TransferTooLarge } from '../dataplane/meter.js';
import { openConsumerData } from '../dataplane/pull.js';
import { sendDataStream } from '../dataplane/routes.js';
import { DataSourceFailed } from '../dataplane/sources.js';
import type { Notifications } from '../notifications/service.js';
import { SubscriptionDeclined, SubscriptionNotFound } from '../notifications/consumer.js';
import { IllegalNegotiationTransition } from '../negotiation/states.js';
import { IllegalTransferTransition } from '../transfer/states.js';
import type { Negotiations } from '../negotiation/service.js';
import type { Transfers } from '../transfer/service.js';
import { exportAudit, verifyStoredAudit } from '../audit/export.js';
import { ManagementConflict, ProcessNotFound } from '../runtime/errors.js';
import type { ConnectorContext } from '../runtime/context.js';
import { observeLatency } from '../http/latency.js';
import { managementAuth } from './auth.js';
import { managementOpenApi } from './openapi.js';
import { RemoteCatalogFailed, requestCatalog, requestDataset } from './remote-catalog.js';
import { InvalidRequest, parse, route } from './request.js';
import { mountSubscriptionRoutes } from './subscriptions.js';
import { agreementView, deliveryView, negotiationView, transferView } from './views.js';
import { CatalogRequest, ListQuery, StartNegotiationRequest, StartTransferRequest, TerminateRequest, TransferActionRequest } from './schemas.js';

export interface ManagementDeps {
  tokenFile: string;
  credentials: CallerCredentials;
  negotiations: Negotiations;
  transfers: Transfers;
  notifications: Notifications;
}

export function createManagementApp(ctx: ConnectorContext, deps: ManagementDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(observeLatency(ctx.metrics, 'management'));
  const openApi = managementOpenApi();
  app.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  app.use(managementAuth(deps.tokenFile));
  app.use(express.json({ limit: 256 * 1024 }));

  const pid = (req: Request): string => String(req.params.pid);

  app.get('/offers', route(async (_req, res) => {
    res.json(ctx.offers.all().map((offer) => ({
      assetId: offer.assetId, offerId: offer.offerId, dataset: offer.dataset, policy: { id: offer.policy.id, digest: offer.policy.digest }, odrlOffer: ctx.offers.odrlOffer(offer, 'dataset'),
    })));
  }));

  app.post('/catalog/request', route(async (req, res) => {
    const input = parse(CatalogRequest, req.body, 'body');
    res.json(await requestCatalog(ctx, deps.credentials, input.providerUrl, input.providerDid));
  }));

  app.get('/negotiations', route(async (req, res) => {
    const q = parse(ListQuery, req.query, 'query');
    res.json((await ctx.store.transaction((tx) => tx.listNegotiations(q as Parameters<typeof tx.listNegotiations>[0]))).map(negotiationView));
  }));
  app.post('/negotiations', route(async (req, res) => {
    const input = parse(StartNegotiationRequest, req.body, 'body');
    let offer = input.offer as OdrlPolicyJson | undefined;
    if (!offer) {
      const dataset = await requestDataset(ctx, deps.credentials, input.providerUrl, input.providerDid, input.datasetId);
      offer = dataset.hasPolicy.find((p) => p['@id'] === input.offerId);
      if (!offer) throw new InvalidRequest([{ path: 'body.offerId', message: `dataset '${input.datasetId}' of ${input.providerUrl} has no offer '${input.offerId}'; it offers ${dataset.hasPolicy.map((p) => p['@id']).join(', ')}` }]);
    }
    if (typeof offer['@id'] !== 'string') throw new InvalidRequest([{ path: 'body.offer.@id', message: 'the offer needs its @id as listed in the catalog' }]);
    const record = await deps.negotiations.start({
      providerUrl: input.providerUrl, providerDid: input.providerDid, datasetId: input.datasetId, offer, ...(input.purpose !== undefined && { purpose: input.purpose }),
    });
    res.status(201).json(negotiationView(record));
  }));
  app.get('/negotiations/:pid', route(async (req, res) => {
    const record = await ctx.store.transaction((tx) => tx.negotiation(pid(req)));
    if (!record) throw new ProcessNotFound('negotiation', pid(req));
    const [denials, jobs] = await Promise.all([ctx.store.denials({ processKey: record.localPid }), ctx.store.transaction((tx) => tx.outboxOf(record.localPid))]);
    res.json({ ...negotiationView(record), denials, deliveries: jobs.map(deliveryView) });
  }));
  app.post('/negotiations/:pid/accept', route(async (req, res) => {
    res.json(negotiationView(await deps.negotiations.accept(pid(req))));
  }));
  app.post('/negotiations/:pid/terminate', route(async (req, res) => {
    const input = parse(TerminateRequest, req.body, 'body');
    res.json(negotiationView(await deps.negotiations.terminate(pid(req), input.reason)));
  }));

  app.get('/agreements', route(async (req, res) => {
    const q = parse(ListQuery, req.query, 'query');
    res.json((await ctx.store.transaction((tx) => tx.listAgreements(q as Parameters<typeof tx.listAgreements>[0]))).map(agreementView));
  }));
  app.get('/agreements/:pid', route(async (req, res) => {
    const record = await ctx.store.transaction((tx) => tx.agreement(pid(req)));
    if (!record) throw new ProcessNotFound('agreement', pid(req));
    res.json(agreementView(record));
  }));

  app.get('/transfers', route(async (req, res) => {
    const q = parse(ListQuery, req.query, 'query');
    res.json((await ctx.store.transaction((tx) => tx.listTransfers(q as Parameters<typeof tx.listTransfers>[0]))).map(transferView));
  }));
  app.post('/transfers', route(async (req, res) => {
    const input = parse(StartTransferRequest, req.body, 'body');
    res.status(201).json(transferView(await deps.transfers.begin({ agreementId: input.agreementId, format: input.format, ...(input.purpose !== undefined && { purpose: input.purpose }) })));
  }));
  app.get('/transfers/:pid', route(async (req, res) => {
    const record = await ctx.store.transaction((tx) => tx.transfer(pid(req)));
    if (!record) throw new ProcessNotFound('transfer', pid(req));
    const [denials, jobs] = await Promise.all([ctx.store.denials({ processKey: record.localPid }), ctx.store.transaction((tx) => tx.outboxOf(record.localPid))]);
    res.json({ ...transferView(record), denials, deliveries: jobs.map(deliveryView) });
  }));
  for (const action of ['suspend', 'resume', 'complete', 'terminate'] as const) {
    app.post(`/transfers/:pid/${action}`, route(async (req, res) => {
      const input = parse(TransferActionRequest, req.body, 'body');
      res.json(transferView(await deps.transfers.act(pid(req), action, input.reason)));
    }));
  }
  app.get('/transfers/:pid/data', route(async (req, res) => {
    const transferPid = pid(req);
    sendDataStream(res, await openConsumerData(ctx, transferPid), ctx.dataPlane.idleTimeoutMs, (error) => ctx.log.warn('handing out a transfer\'s data broke off', { transfer: transferPid, problem: error.message }));
  }));

  mountSubscriptionRoutes(app, ctx, deps.notifications);

  app.get('/denials', route(async (req, res) => {
    const processKey = typeof req.query.processKey === 'string' ? req.query.processKey : undefined;
    const q = parse(ListQuery.pick({ limit: true, offset: true }), { limit: req.query.limit, offset: req.query.offset }, 'query');
    res.json(await ctx.store.denials({ ...q, ...(processKey !== undefined && { processKey }) }));
  }));
  app.get('/audit', route(async (_req, res) => {
    res.status(200).type('application/x-ndjson');
    for await (const entry of exportAudit(ctx.store)) res.write(`${JSON.stringify(entry)}\n`);
    res.end();
  }));
  app.get('/audit/verify', route(async (_req, res) => {
    res.json(await verifyStoredAudit(ctx.store));
  }));

  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: 'NotFound', message: `no management endpoint ${req.method} ${req.path}; see GET /openapi.json` });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const type = (error as { type?: unknown }).type;
    if (type === 'entity.parse.failed') return void res.status(400).json({ error: 'MalformedJson', message: `the body is not valid JSON: ${(error as Error).message}` });
    if (type === 'entity.too.large') return void res.status(413).json({ error: 'PayloadTooLarge', message: 'the body is larger than 256 KiB' });
    if (error instanceof InvalidRequest) return void res.status(400).json({ error: 'InvalidRequest', message: error.message, issues: error.issues });
    if (error instanceof ProcessNotFound || error instanceof SubscriptionNotFound) return void res.status(404).json({ error: 'NotFound', message: error.message });
    if (error instanceof SubscriptionDeclined) return void res.status(409).json({ error: 'SubscriptionRefused', message: error.message, providerCode: error.code, providerStatus: error.providerStatus });
    if (error instanceof TransferTooLarge) return void res.status(502).json({ error: 'TransferTooLarge', message: error.message });
    if (error instanceof ManagementConflict) return void res.status(409).json({ error: error.code, message: error.message });
    if (error instanceof IllegalNegotiationTransition || error instanceof IllegalTransferTransition) return void res.status(409).json({ error: 'IllegalStateTransition', message: error.message });
    if (error instanceof RemoteCatalogFailed) return void res.status(error.status === 404 ? 404 : 502).json({ error: 'CounterPartyFailed', message: error.message });
    if (error instanceof OutboundRefused) return void res.status(400).json({ error: 'AddressRefused', message: error.message });
    if (error instanceof OutboundFailed || error instanceof DataSourceFailed) return void res.status(502).json({ error: 'CounterPartyFailed', message: error.message });
    if (error instanceof DspMessageInvalid) return void res.status(502).json({ error: 'CounterPartyInvalidAnswer', message: error.message });
    ctx.log.error('management request failed', { error });
    res.status(500).json({ error: 'InternalError', message: 'the connector failed to process the request; see its log' });
  });
  return app;
}
