// The wallet service: one router per holder (company and hosted members), the wallet's status lists and
// status report, and the background pass that requests/renews credentials and issues granted ones.
import { checkCredentialStatus, isTrustError } from '@musubi/core/trust';
import { Router, type Express } from 'express';
import { createServiceApp, finishServiceApp, guard } from '../http/app.js';
import { HttpProblem } from '../http/problem.js';
import { bearerToken } from '../http/secret-file.js';
import type { WalletServiceConfig } from './config.js';
import { createWalletCore, holdersOf, type WalletCore, type WalletDependencies } from './core.js';
import { GrantIssuer } from './grants.js';
import { CredentialRequester } from './issuance-client.js';
import { holderRoutes } from './routes-holder.js';

export interface WalletService {
  readonly did: string;
  readonly app: Express;
  readonly core: WalletCore;
  readonly requester: CredentialRequester;
  readonly grants: GrantIssuer;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** One background pass now (request/renew, issue grants, deliver); also runs on the interval. */
  reconcile(): Promise<void>;
}

type HeldState = 'Active' | 'Revoked' | 'Suspended' | 'Expired';

async function stateOf(core: WalletCore, credential: Parameters<typeof checkCredentialStatus>[0], validUntil: string | undefined): Promise<HeldState> {
  if (validUntil && new Date(validUntil).getTime() <= core.clock().getTime()) return 'Expired';
  try {
    await checkCredentialStatus(credential, core.statusLists);
    return 'Active';
  } catch (error) {
    if (isTrustError(error, 'Revoked')) return 'Revoked';
    if (isTrustError(error, 'Suspended')) return 'Suspended';
    return 'Active';
  }
}

export async function createWalletService(config: WalletServiceConfig, deps: WalletDependencies): Promise<WalletService> {
  const core = await createWalletCore(config, deps);
  const requester = new CredentialRequester(core);
  const grants = new GrantIssuer(core);
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  let reconciling: Promise<void> | undefined;

  const reconcile = (): Promise<void> => {
    if (!reconciling) {
      reconciling = (async () => {
        try {
          await requester.tick();
          await grants.reconcile();
        } catch (error) {
          core.logger.error('wallet reconcile pass failed', { error: (error as Error).message });
        } finally {
          reconciling = undefined;
        }
      })();
    }
    return reconciling;
  };

  const app = createServiceApp({ logger: core.logger, metrics: core.metrics, maxBodyBytes: config.limits.maxBodyBytes, notReady: () => (started ? undefined : 'starting') });
  const hooks = {
    onRejected: (_holder: unknown, message: { holderPid?: string | undefined; rejectionReason?: string | null | undefined }) => {
      if (message.holderPid) requester.rejected(message.holderPid, message.rejectionReason ?? undefined);
    },
    // New company credentials may let member credentials be issued (they chain to it).
    onStored: () => void reconcile(),
    onOffer: (holder: { did: string }, issuer: string) => {
      if (holder.did === core.company.did && issuer === config.trustAnchor.did) void reconcile();
    },
  };
  for (const holder of holdersOf(core)) app.use(holder.path || '/', holderRoutes(core, holder, hooks));

  const company = Router();
  company.get('/status/:listId', async (req, res) => {
    const id = `${core.company.baseUrl}/status/${req.params.listId}`;
    if (!core.status.has(id)) throw new HttpProblem(404, 'NotFound', `no status list ${id}`);
    res.set('cache-control', 'max-age=30').type('application/vc+jwt').send(await core.status.publication(id));
  });
  company.get(
    '/status',
    guard((req) => {
      if (!core.apiToken) throw new HttpProblem(404, 'NotFound', 'this wallet has no apiTokenFile configured, so it has no status report');
      if (!core.apiToken.matches(bearerToken(req.get('authorization')))) throw new HttpProblem(401, 'Unauthorized', 'send the wallet API token in "Authorization: Bearer <token>"');
    }),
    async (_req, res) => {
      const credentials = [];
      for (const holder of holdersOf(core)) {
        for (const held of core.store.about(holder.did)) {
          credentials.push({
            id: held.id,
            type: held.types.filter((t) => t !== 'VerifiableCredential').at(-1) ?? 'VerifiableCredential',
            issuer: held.issuer,
            ...(holder !== core.company ? { holder: holder.did } : {}),
            expiresAt: held.validUntil ?? '9999-12-31T23:59:59Z',
            state: await stateOf(core, held.credential, held.validUntil),
          });
        }
      }
      res.json({ did: core.company.did, credentials, missing: requester.missingTypes(), requests: requester.requests(), grants: grants.grants() });
    },
  );
  app.use(core.company.path || '/', company);
  finishServiceApp(app, core.logger);

  return {
    did: core.company.did,
    app,
    core,
    requester,
    grants,
    reconcile,
    async start() {
      started = true;
      const interval = (config.issuance?.checkIntervalSeconds ?? 300) * 1000;
      timer = setInterval(() => void reconcile(), interval);
      timer.unref();
      void reconcile();
      core.logger.info('wallet started', {
        kid: core.company.key.kid, members: [...core.members.keys()], anchor: config.trustAnchor.did,
        requests: config.issuance?.requestedCredentials ?? [], sts: Boolean(config.sts),
      });
    },
    async stop() {
      started = false;
      if (timer) clearInterval(timer);
      await reconciling;
    },
  };
}


