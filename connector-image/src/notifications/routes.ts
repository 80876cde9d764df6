// The notification endpoints under the DSP base path. Provider: subscribe, look up and end a
// subscription, authenticated like every DSP request (a caller without valid credentials learns
// nothing). Consumer: the events endpoint, where the event's signature is the authentication.
import express, { type Request, type Response } from 'express';
import type { VerifiedConsumer } from '@musubi/core/policy';
import { CallerUnauthenticated, type CallerAuthenticator } from '../identity/caller.js';
import type { ConnectorContext } from '../runtime/context.js';
import { ConcurrentModification } from '../store/store.js';
import { ConsumerSubscriptions, EVENTS_PATH } from './consumer.js';
import { EventRejected, MAX_EVENT_BYTES } from './events.js';
import { ProviderSubscriptions, SubscribeRequest, SubscriptionRefused, subscriptionAnswer } from './provider.js';

export function createNotificationRouter(
  ctx: ConnectorContext,
  deps: { authenticator: CallerAuthenticator; provider: ProviderSubscriptions; consumer: ConsumerSubscriptions },
): express.Router {
  const router = express.Router({ strict: false });
  const requestJson = express.json({ limit: 64 * 1024, type: ['application/json', 'application/*+json'] });
  const eventJson = express.json({ limit: MAX_EVENT_BYTES + 1024, type: ['application/json', 'application/*+json'] });

  const fail = (res: Response, error: unknown): void => {
    if (error instanceof CallerUnauthenticated) {
      res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
      res.status(401).json({ error: error.reason, message: error.message });
      return;
    }
    if (error instanceof SubscriptionRefused) {
      res.status(error.status).json({ error: error.code, message: error.message, ...(error.details && { denials: error.details }) });
      return;
    }
    if (error instanceof EventRejected) {
      res.status(error.status).json({ error: error.code, message: error.message });
      return;
    }
    if (error instanceof ConcurrentModification) {
      res.status(409).json({ error: 'ConcurrentModification', message: error.message });
      return;
    }
    const type = (error as { type?: unknown }).type;
    if (type === 'entity.parse.failed') return void res.status(400).json({ error: 'MalformedJson', message: `the body is not valid JSON: ${(error as Error).message}` });
    if (type === 'entity.too.large') return void res.status(413).json({ error: 'PayloadTooLarge', message: 'the body is larger than 64 KiB' });
    ctx.log.error('notification request failed', { error });
    res.status(500).json({ error: 'InternalError', message: 'the connector failed to process the request; send it again later' });
  };

  const authenticated = (handle: (caller: VerifiedConsumer, req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    try {
      const caller = await deps.authenticator.verify(req.header('authorization'), { audience: ctx.participantDid });
      await handle(caller, req, res);
    } catch (error) {
      fail(res, error);
    }
  };

  // Bodies are parsed inside the handlers: after authentication (an unauthenticated caller gets 401
  // whatever it sent), and with parse errors answered in this API's format.
  const body = (parser: express.RequestHandler, req: Request, res: Response): Promise<unknown> => new Promise((resolve, reject) => {
    parser(req, res, (error?: unknown) => (error ? reject(error) : resolve(req.body)));
  });

  router.post('/notifications/subscriptions', authenticated(async (caller, req, res) => {
    const parsed = SubscribeRequest.safeParse(await body(requestJson, req, res));
    if (!parsed.success) {
      res.status(400).json({
        error: 'InvalidRequest',
        message: `send {"agreementId", "callbackUrl", "consumerSubscriptionId"}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
      });
      return;
    }
    const { status, record } = await deps.provider.subscribe(caller, parsed.data);
    res.status(status).json(subscriptionAnswer(record));
  }));

  router.get('/notifications/subscriptions/:id', authenticated(async (caller, req, res) => {
    res.json(subscriptionAnswer(await deps.provider.find(caller, String(req.params.id))));
  }));

  router.post('/notifications/subscriptions/:id/termination', authenticated(async (caller, req, res) => {
    res.json(subscriptionAnswer(await deps.provider.unsubscribe(caller, String(req.params.id))));
  }));

  router.post(`/${EVENTS_PATH}`, async (req, res) => {
    try {
      const outcome = await deps.consumer.receive(await body(eventJson, req, res));
      res.status(outcome.status).json(outcome.body);
    } catch (error) {
      fail(res, error);
    }
  });

  return router;
}
