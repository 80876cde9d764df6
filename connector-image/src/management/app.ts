// The management API (its own port, bearer token): what an operator or an application uses to see this
// connector's offers, browse other connectors' catalogs, negotiate, transfer and fetch data, and to
// read the policy denials and the audit log.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { CallerCredentials } from '../identity/caller.js';
import { OutboundFailed, OutboundRefused } from '../net/outbound-http.js';
import { DspMessageInvalid, type OdrlPolicyJson } from '../protocol/index.js';
import { redactDataAddress } from '../dataplane/addresses.js';
import { consumerData } from '../dataplane/pull.js';
import { DataSourceFailed } from '../dataplane/sources.js';
import { IllegalNegotiationTransition } from '../negotiation/states.js';
import { IllegalTransferTransition } from '../transfer/states.js';
import type { Negotiations } from '../negotiation/service.js';
import type { Transfers } from '../transfer/service.js';
import { exportAudit, verifyStoredAudit } from '../audit/export.js';
import { ManagementConflict, ProcessNotFound } from '../runtime/errors.js';
import type { ConnectorContext } from '../runtime/context.js';
import type { AgreementRecord, NegotiationRecord, OutboxJob, TransferRecord, DspDelivery } from '../store/records.js';
import { observeLatency } from '../http/latency.js';
import { managementAuth } from './auth.js';
import { managementOpenApi } from './openapi.js';
import { RemoteCatalogFailed, requestCatalog, requestDataset } from './remote-catalog.js';
import { CatalogRequest, ListQuery, StartNegotiationRequest, StartTransferRequest, TerminateRequest, TransferActionRequest } from './schemas.js';

export interface ManagementDeps {
  tokenFile: string;
  credentials: CallerCredentials;
  negotiations: Negotiations;
  transfers: Transfers;
}

class InvalidRequest extends Error {
  constructor(readonly issues: Array<{ path: string; message: string }>) {
    super(`invalid request: ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`);
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query'): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new InvalidRequest(result.error.issues.map((issue) => ({
      path: [where, ...issue.path].map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join(''),
      message: issue.message,
    })));
  }
  return result.data;
}

function deliveryView(job: OutboxJob): Record<string, unknown> {
  const payload = job.payload as Partial<DspDelivery>;
  return { id: job.id, kind: job.kind, messageType: payload.messageType ?? null, url: payload.url ?? null, status: job.status, attempts: job.attempts, ...(job.lastError && { lastError: job.lastError }), createdAt: job.createdAt };
}

function negotiationView(record: NegotiationRecord): Record<string, unknown> {
  const { version: _version, ...view } = record;
  return view;
}

function transferView(record: TransferRecord): Record<string, unknown> {
  const { version: _version, dataAddress, ...view } = record;
  return { ...view, ...(dataAddress && { dataAddress: redactDataAddress(dataAddress) }) };
}

function agreementView(record: AgreementRecord): Record<string, unknown> {
  const { policy, ...view } = record;
  return { ...view, ...(policy && { policyId: policy.id }) };
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

  const route = (handle: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      await handle(req, res);
    } catch (error) {
      next(error);
    }
  };
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
    const data = await consumerData(ctx, pid(req));
    res.status(200).type(data.mediaType).send(data.body);
  }));

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
    if (error instanceof ProcessNotFound) return void res.status(404).json({ error: 'NotFound', message: error.message });
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
