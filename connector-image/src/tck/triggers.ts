// The two endpoints the TCK's consumer-side cases (CN_C, TP_C) call to make this connector act as a
// consumer: start a negotiation for a dataset of the TCK, or a transfer under an agreement the TCK names,
// and then play the consumer's scripted steps of that case. They listen on their own port (tck.triggers)
// and exist only in the tck-conformance profile.
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Negotiations } from '../negotiation/service.js';
import type { OdrlPolicyJson } from '../protocol/index.js';
import type { ConnectorContext } from '../runtime/context.js';
import type { Transfers } from '../transfer/service.js';
import { consumerNegotiationSteps, consumerTransferSteps, type ScriptedServices } from './script.js';
import type { ScriptRunner } from './script-runner.js';
import { seedFinalizedAgreement } from './seed.js';

export const NEGOTIATION_TRIGGER_PATH = '/tck/negotiations/requests';
export const TRANSFER_TRIGGER_PATH = '/tck/transfers/requests';

const address = z.string().url({ message: 'must be the TCK connector\'s absolute DSP URL' });

export const NegotiationTrigger = z.object({
  datasetId: z.string().min(1),
  offerId: z.string().min(1),
  providerId: z.string().min(1),
  connectorAddress: address,
});

export const TransferTrigger = z.object({
  agreementId: z.string().min(1),
  format: z.enum(['HttpData-PULL', 'HttpData-PUSH']),
  providerId: z.string().min(1),
  connectorAddress: address,
});

class TriggerInvalid extends Error {}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    throw new TriggerInvalid(result.error.issues.map((i) => `body.${i.path.map(String).join('.')}: ${i.message}`).join('; '));
  }
  return result.data;
}

export interface TriggerDeps {
  negotiations: Negotiations;
  transfers: Transfers;
  runner: ScriptRunner;
  services: ScriptedServices;
}

export function createTckTriggerApp(ctx: ConnectorContext, deps: TriggerDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: 64 * 1024 }));

  app.post(NEGOTIATION_TRIGGER_PATH, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const trigger = parse(NegotiationTrigger, req.body);
      // The TCK's provider answers whatever offer id it was configured with; the rule is the minimal one DSP allows.
      const offer: OdrlPolicyJson = { '@id': trigger.offerId, '@type': 'Offer', assigner: trigger.providerId, permission: [{ action: 'use' }] };
      const record = await deps.negotiations.start({ providerUrl: trigger.connectorAddress, providerDid: trigger.providerId, datasetId: trigger.datasetId, offer });
      deps.runner.run('negotiation', record.localPid, consumerNegotiationSteps(deps.services, record.localPid, trigger.datasetId, offer));
      res.status(201).json({ localPid: record.localPid, state: record.state });
    } catch (error) {
      next(error);
    }
  });

  app.post(TRANSFER_TRIGGER_PATH, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const trigger = parse(TransferTrigger, req.body);
      // The TCK plays the provider of an agreement it never negotiated with this connector: record it first.
      await seedFinalizedAgreement(ctx, {
        agreementId: trigger.agreementId, role: 'consumer', providerDid: trigger.providerId, consumerDid: ctx.participantDid, counterPartyAddress: trigger.connectorAddress,
      });
      const record = await deps.transfers.begin({ agreementId: trigger.agreementId, format: trigger.format });
      deps.runner.run('transfer', record.localPid, consumerTransferSteps(deps.services, record.localPid, trigger.agreementId));
      res.status(201).json({ localPid: record.localPid, state: record.state });
    } catch (error) {
      next(error);
    }
  });

  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: 'NotFound', message: `no TCK trigger ${req.method} ${req.path}; use POST ${NEGOTIATION_TRIGGER_PATH} or POST ${TRANSFER_TRIGGER_PATH}` });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof TriggerInvalid) {
      res.status(400).json({ error: 'InvalidTrigger', message: error.message });
      return;
    }
    ctx.log.error('TCK trigger failed', { error });
    res.status(500).json({ error: 'InternalError', message: (error as Error).message });
  });
  return app;
}
