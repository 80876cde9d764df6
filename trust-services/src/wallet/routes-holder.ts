// The DCP endpoints of one holder (the company, or a member below it): its DID document, the Secure Token
// Service, the Resolution API (presentation queries) and the Storage API (credentials sent to it).
import { TrustError, issueSelfIssuedIdToken } from '@musubi/core/trust';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { jsonBody } from '../http/app.js';
import { HttpProblem, parseInput, toProblem } from '../http/problem.js';
import { authenticateIdToken } from '../dcp/id-token.js';
import { CredentialMessage, CredentialOfferMessage, DCP_CONTEXT, PresentationQueryMessage } from '../dcp/messages.js';
import { mintAccessToken, readAccessToken } from './access-token.js';
import type { WalletCore } from './core.js';
import type { Holder } from './holders.js';
import { buildPresentations, grantedScopes, selectCredentials } from './presentation.js';
import { checkForStorage } from './storage.js';

const TokenRequest = z.object({
  grant_type: z.literal('client_credentials', { message: 'must be "client_credentials"' }),
  client_id: z.string().min(1).max(256),
  client_secret: z.string().min(1).max(1024),
  audience: z.string().min(1).max(2048),
  bearer_access_scope: z.string().max(4096).optional(),
  token: z.string().min(1).max(8192).optional(),
});

export interface HolderRouteHooks {
  /** A CredentialMessage with status REJECTED arrived for one of this holder's requests. */
  onRejected(holder: Holder, message: z.infer<typeof CredentialMessage>): void;
  /** Credentials were stored for this holder. */
  onStored(holder: Holder): void;
  /** An issuer offered credentials (types or credential-object ids) to this holder. */
  onOffer(holder: Holder, issuer: string, offered: string[]): void;
}

export function holderRoutes(core: WalletCore, holder: Holder, hooks: HolderRouteHooks): Router {
  const router = Router();
  const idTokenCheck = { audience: holder.did, keys: core.didKeys, replayGuard: core.replayGuard, clock: core.clock };

  const didJson = (_req: Request, res: import('express').Response) => {
    res.type('application/did+json').send(JSON.stringify(holder.didDocument));
  };
  // did:web: a DID without a path is served at /.well-known/did.json, one with a path at <path>/did.json.
  router.get(holder.path === '' ? '/.well-known/did.json' : '/did.json', didJson);

  router.post('/sts/token', async (req, res) => {
    if (!core.stsClients) throw new HttpProblem(404, 'NotFound', 'this wallet has no Secure Token Service configured (sts)');
    const request = parseInput(TokenRequest, jsonBody(req));
    if (!core.stsClients.authenticate(request.client_id, request.client_secret)) {
      throw new HttpProblem(401, 'Unauthorized', 'client_id or client_secret is wrong');
    }
    if (request.token && request.bearer_access_scope) throw new HttpProblem(400, 'MalformedInput', 'give either token (to pass on a received access token) or bearer_access_scope (to grant one), not both', 'token');
    let token = request.token;
    if (request.bearer_access_scope) {
      const scopes = request.bearer_access_scope.split(/\s+/).filter((s) => s.length > 0);
      token = await mintAccessToken(holder.key, { audience: request.audience, scopes, clock: core.clock });
    }
    const idToken = await issueSelfIssuedIdToken({ holderKey: holder.key, audience: request.audience, ...(token ? { token } : {}), clock: core.clock });
    res.json({ access_token: idToken, token_type: 'Bearer', expires_in: 300 });
  });

  router.post('/presentations/query', async (req, res) => {
    const idToken = await authenticateIdToken(req, idTokenCheck);
    if (!idToken.token) throw new HttpProblem(401, 'Unauthorized', `the ID token of ${idToken.holder} carries no access token (token claim); ask the holder for one`);
    let grant;
    try {
      grant = await readAccessToken(idToken.token, holder.key, core.clock);
    } catch (error) {
      const problem = toProblem(error);
      throw new HttpProblem(401, problem.reason, `the access token was refused: ${problem.message}`);
    }
    if (grant.audience !== idToken.holder) {
      throw new HttpProblem(403, 'WrongAudience', `the access token was granted to ${grant.audience}, not to ${idToken.holder}`);
    }
    const query = parseInput(PresentationQueryMessage, jsonBody(req));
    if (query.scope && query.presentationDefinition) throw new HttpProblem(400, 'MalformedInput', 'give scope or presentationDefinition, not both', 'presentationDefinition');
    if (query.presentationDefinition) throw new HttpProblem(501, 'NotImplemented', 'presentationDefinition queries are not supported; query by scope (org.eclipse.dspace.dcp.vc.type:<Type>)', 'presentationDefinition');
    if (!query.scope || query.scope.length === 0) throw new HttpProblem(400, 'MalformedInput', 'scope must list at least one scope, e.g. "org.eclipse.dspace.dcp.vc.type:LegalPersonCredential:read"', 'scope');
    const scopes = grantedScopes(query.scope, grant.scopes);
    const credentials = await selectCredentials(core, holder, scopes);
    const presentation = await buildPresentations(core, holder, credentials, idToken.holder, query.nonce ?? idToken.jti);
    core.logger.info('presentation query answered', { holder: holder.did, verifier: idToken.holder, asked: query.scope.length, granted: scopes.length, credentials: credentials.map((c) => c.types.at(-1)) });
    res.json({ '@context': [DCP_CONTEXT], type: 'PresentationResponseMessage', presentation });
  });

  router.post('/credentials', async (req, res) => {
    const idToken = await authenticateIdToken(req, idTokenCheck);
    if (idToken.token) {
      // A token in the sender's ID token must be one this holder granted to that sender.
      const grant = await readAccessToken(idToken.token, holder.key, core.clock).catch((error: unknown) => {
        throw new HttpProblem(401, toProblem(error).reason, `the access token was refused: ${toProblem(error).message}`);
      });
      if (grant.audience !== idToken.holder) throw new HttpProblem(403, 'WrongAudience', `the access token was granted to ${grant.audience}, not to ${idToken.holder}`);
    }
    const message = parseInput(CredentialMessage, jsonBody(req));
    if (message.status === 'REJECTED') {
      hooks.onRejected(holder, message);
      res.json({ stored: [] });
      return;
    }
    // All or nothing: every credential is checked before any is stored.
    for (const [i, container] of message.credentials.entries()) {
      try {
        await checkForStorage(core, holder, idToken.holder, container.payload, `credentials[${i}].payload`);
      } catch (error) {
        if (error instanceof TrustError) Object.assign(error, { field: `credentials[${i}].payload` });
        throw error;
      }
    }
    const stored = message.credentials.map((container) => core.store.add(container.payload));
    core.logger.info('credentials stored', { holder: holder.did, from: idToken.holder, ids: stored.map((c) => c.id), types: stored.map((c) => c.types.at(-1)) });
    hooks.onStored(holder);
    res.json({ stored: stored.map((c) => c.id) });
  });

  // DCP Credential Offer API (§6.6): an issuer announces credentials it would issue (e.g. a reissue
  // after a key rotation). The holder's anchor's offers make the wallet ask at once.
  router.post('/offers', async (req, res) => {
    const idToken = await authenticateIdToken(req, idTokenCheck);
    const offer = parseInput(CredentialOfferMessage, jsonBody(req));
    if (offer.issuer !== idToken.holder) throw new HttpProblem(403, 'UntrustedIssuer', `the offer names issuer ${offer.issuer} but was sent by ${idToken.holder}`, 'issuer');
    const offered = offer.credentials.map((c) => c.credentialType ?? c.id);
    core.logger.info('credential offer received', { holder: holder.did, issuer: offer.issuer, offered });
    hooks.onOffer(holder, offer.issuer, offered);
    res.json({ accepted: offered });
  });

  return router;
}
