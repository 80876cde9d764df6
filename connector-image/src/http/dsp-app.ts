// The DSP 2025-1 HTTPS binding: catalog, negotiation and transfer endpoints of both roles, the version
// endpoint, and (as routers of their own) the HTTP data plane and notifications. Routes only translate:
// authenticate the caller, check the message against its schema, hand it to the protocol service, send
// back what the service replies.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { VerifiedConsumer } from '@musubi/core/policy';
import { buildCatalog, buildDataset } from '../catalog/catalog.js';
import type { CallerAuthenticator } from '../identity/caller.js';
import { DSP_VERSION, readDspMessage, type DspMessageName, type DspMessages } from '../protocol/index.js';
import { ProcessNotFound, ProtocolRefusal } from '../runtime/errors.js';
import type { ConnectorContext } from '../runtime/context.js';
import type { Reply } from '../runtime/reply.js';
import type { Negotiations } from '../negotiation/service.js';
import type { Transfers } from '../transfer/service.js';
import { isStreamedUpload } from '../dataplane/routes.js';
import { errorBody, failureOf, sendFailure, type DspArea } from './errors.js';
import { observeLatency } from './latency.js';
import { requestDeadline } from './request-deadline.js';

export interface DspAppDeps {
  authenticator: CallerAuthenticator;
  negotiations: Negotiations;
  transfers: Transfers;
  maxBodyBytes: number;
  /** Further endpoints under the DSP base path: the data plane, notifications. */
  routers?: express.Router[];
}

/** The base path of the DSP endpoints: the path of the public URL ('' for a root URL). */
export function basePathOf(publicUrl: string): string {
  return new URL(publicUrl).pathname.replace(/\/+$/, '');
}

export function createDspApp(ctx: ConnectorContext, deps: DspAppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(observeLatency(ctx.metrics, 'dsp'));
  // The server has no overall request timeout (a streamed push may take long); every other request must arrive in time.
  app.use(requestDeadline(60_000, isStreamedUpload));
  const base = basePathOf(ctx.publicUrl);
  const router = express.Router({ strict: false });

  const json = express.json({ limit: deps.maxBodyBytes, type: ['application/json', 'application/ld+json', 'application/*+json'] });

  const authenticate = (req: Request): Promise<VerifiedConsumer> => deps.authenticator.verify(req.header('authorization'), { audience: ctx.participantDid });

  /** A route taking a DSP message of `type` in its body. */
  const message = <T extends DspMessageName>(
    area: DspArea, type: T,
    handle: (msg: DspMessages[T], caller: VerifiedConsumer, req: Request) => Promise<Reply>,
  ) => [json, async (req: Request, res: Response) => {
    try {
      const caller = await authenticate(req);
      if (req.body === undefined) {
        throw new ProtocolRefusal('UnsupportedMediaType', `send the ${type} as JSON with Content-Type: application/json`, 415);
      }
      const msg = readDspMessage(type, req.body);
      ctx.observeWire?.({ direction: 'received', messageType: type, message: msg });
      const result = await handle(msg, caller, req);
      res.status(result.status).json(result.body ?? {});
    } catch (error) {
      sendFailure(res, area, failureOf(error, ctx.log), req.body);
    }
  }] as const;

  const lookup = (area: DspArea, handle: (pid: string, caller: VerifiedConsumer) => Promise<Reply>) => async (req: Request, res: Response) => {
    try {
      const caller = await authenticate(req);
      const result = await handle(String(req.params.pid), caller);
      res.status(result.status).json(result.body ?? {});
    } catch (error) {
      sendFailure(res, area, failureOf(error, ctx.log), undefined);
    }
  };

  const pid = (req: Request): string => String(req.params.pid);

  router.post('/catalog/request', ...message('catalog', 'CatalogRequestMessage', async (msg) => {
    if (msg.filter && msg.filter.length > 0) {
      throw new ProtocolRefusal('FilterNotSupported', 'this catalog service does not support filter expressions; send the CatalogRequestMessage with an empty or no filter');
    }
    return { status: 200, body: buildCatalog(ctx.offers, ctx.publicUrl) };
  }));
  router.get('/catalog/datasets/:pid', lookup('catalog', async (id) => {
    const offer = ctx.offers.byAssetId(id);
    if (!offer) throw new ProcessNotFound('dataset', id);
    return { status: 200, body: buildDataset(ctx.offers, ctx.publicUrl, offer) };
  }));

  const n = deps.negotiations;
  router.post('/negotiations/request', ...message('negotiation', 'ContractRequestMessage', (msg, caller) => n.request(msg, caller)));
  router.post('/negotiations/offers', ...message('negotiation', 'ContractOfferMessage', (msg, caller) => n.initialOffer(msg, caller)));
  router.get('/negotiations/:pid', lookup('negotiation', (id, caller) => n.get(id, caller)));
  router.post('/negotiations/:pid/request', ...message('negotiation', 'ContractRequestMessage', (msg, caller, req) => n.counterRequest(pid(req), msg, caller)));
  router.post('/negotiations/:pid/offers', ...message('negotiation', 'ContractOfferMessage', (msg, caller, req) => n.offer(pid(req), msg, caller)));
  router.post('/negotiations/:pid/agreement', ...message('negotiation', 'ContractAgreementMessage', (msg, caller, req) => n.agreement(pid(req), msg, caller)));
  router.post('/negotiations/:pid/agreement/verification', ...message('negotiation', 'ContractAgreementVerificationMessage', (msg, caller, req) => n.verification(pid(req), msg, caller)));
  router.post('/negotiations/:pid/events', ...message('negotiation', 'ContractNegotiationEventMessage', (msg, caller, req) => n.event(pid(req), msg, caller)));
  router.post('/negotiations/:pid/termination', ...message('negotiation', 'ContractNegotiationTerminationMessage', (msg, caller, req) => n.termination(pid(req), msg, caller)));

  const t = deps.transfers;
  router.post('/transfers/request', ...message('transfer', 'TransferRequestMessage', (msg, caller) => t.request(msg, caller)));
  router.get('/transfers/:pid', lookup('transfer', (id, caller) => t.get(id, caller)));
  router.post('/transfers/:pid/start', ...message('transfer', 'TransferStartMessage', (msg, caller, req) => t.start(pid(req), msg, caller)));
  router.post('/transfers/:pid/completion', ...message('transfer', 'TransferCompletionMessage', (msg, caller, req) => t.completion(pid(req), msg, caller)));
  router.post('/transfers/:pid/suspension', ...message('transfer', 'TransferSuspensionMessage', (msg, caller, req) => t.suspension(pid(req), msg, caller)));
  router.post('/transfers/:pid/termination', ...message('transfer', 'TransferTerminationMessage', (msg, caller, req) => t.termination(pid(req), msg, caller)));

  for (const extra of deps.routers ?? []) router.use(extra);

  app.get('/.well-known/dspace-version', (_req, res) => {
    res.json({ protocolVersions: [{ version: DSP_VERSION, path: base === '' ? '/' : base, binding: 'HTTPS', identifierType: 'did:web', auth: { protocol: 'DCP', version: '1.0', profile: ['vc20-bssl/jwt'] } }] });
  });
  app.use(base || '/', router);

  // Body parser failures and anything no route matched, answered in the protocol of the path.
  app.use((req: Request, res: Response) => {
    res.status(404).json(areaError(req.path, base, { code: 'NotFound', reason: [`no DSP endpoint ${req.method} ${req.path}; see the DSP 2025-1 HTTPS binding for the paths`] }));
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const type = (error as { type?: unknown }).type;
    if (type === 'entity.too.large') {
      res.status(413).json(areaError(req.path, base, { code: 'PayloadTooLarge', reason: [`the body is larger than the limit of ${deps.maxBodyBytes} bytes`] }));
      return;
    }
    if (type === 'entity.parse.failed') {
      res.status(400).json(areaError(req.path, base, { code: 'MalformedJson', reason: [`the body is not valid JSON: ${(error as Error).message}`] }));
      return;
    }
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      res.status(415).json(areaError(req.path, base, { code: 'UnsupportedMediaType', reason: [(error as Error).message] }));
      return;
    }
    ctx.log.error('DSP request failed', { error });
    res.status(500).json(areaError(req.path, base, { code: 'InternalError', reason: ['the connector failed to process the request'] }));
  });
  return app;
}

function areaError(path: string, base: string, explanation: { code: string; reason: string[] }): unknown {
  const relative = path.startsWith(base) ? path.slice(base.length) : path;
  const area: DspArea = relative.startsWith('/negotiations') ? 'negotiation' : relative.startsWith('/transfers') ? 'transfer' : 'catalog';
  return errorBody(area, explanation, {});
}
