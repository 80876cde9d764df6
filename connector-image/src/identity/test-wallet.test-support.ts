// TEST ONLY: a participant's wallet speaking the same protocol as Musubi's wallet (trust-services), small
// enough for a test. Secure Token Service: POST /sts/token, OAuth client credentials (form or JSON) with
// audience and either bearer_access_scope (mint an access token for the audience) or token (carry one
// back), answered {access_token}. Credential service: POST /cs/presentations/query authenticated by the
// verifier's self-issued ID token whose token claim is an access token this wallet granted that
// verifier; presents the credentials of the granted and asked types, bound to the verifier (aud) and the
// query's nonce. Runs on 127.0.0.1.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import express from 'express';
import {
  InMemoryReplayGuard, createPresentationJwt, decodeJws, issueSelfIssuedIdToken, verifySelfIssuedIdToken, type KeyPair, type KeyResolver,
} from '@musubi/core/trust';
import { listen, type Listening } from '../connector/servers.js';
import type { OutboundPolicy } from '../net/outbound-http.js';
import { StsClient } from './sts.js';

const TYPE_SCOPE = /^org\.eclipse\.dspace\.dcp\.vc\.type:([^\s:]+):read$/;

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

function typesOf(scopes: unknown): Set<string> {
  const list = typeof scopes === 'string' ? scopes.split(/\s+/) : Array.isArray(scopes) ? scopes : [];
  return new Set(list.flatMap((s) => (typeof s === 'string' ? (TYPE_SCOPE.exec(s)?.[1] ?? []) : [])));
}

function credentialTypes(jwt: string): string[] {
  const payload = JSON.parse(Buffer.from(decodeJws(jwt, { typ: 'vc+jwt' }).payload).toString('utf8')) as { type?: string[]; vc?: { type?: string[] } };
  return payload.type ?? payload.vc?.type ?? [];
}

export class TestWallet {
  readonly #grants = new Map<string, { audience: string; types: Set<string> }>();
  readonly #replay = new InMemoryReplayGuard();
  #server: Listening | undefined;
  /** Every presentation query this wallet answered, for assertions. */
  readonly queries: Array<{ scope: unknown; audience: string; presented: number }> = [];
  /** Every STS request, without the secret, for assertions. */
  readonly tokenRequests: Array<{ clientId: string; audience: string; scope?: string; token: boolean; contentType: string }> = [];
  readonly clientId: string;
  readonly clientSecret: string;

  constructor(
    readonly holderKey: KeyPair,
    readonly credentials: string[],
    /** Resolves verifiers' DIDs, to check the ID tokens presentation queries carry. */
    readonly options: { keys: KeyResolver; clientId?: string; clientSecret?: string },
  ) {
    this.clientId = options.clientId ?? 'connector';
    this.clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
  }

  get did(): string {
    return this.holderKey.kid.split('#')[0] as string;
  }

  get url(): string {
    if (!this.#server) throw new Error('the test wallet is not started');
    return this.#server.url;
  }

  /** The STS client a connector of this participant uses. */
  stsClient(outbound: OutboundPolicy = { allowHttp: false, allowPrivateNetwork: false }, timeoutMs = 5_000): StsClient {
    return new StsClient({ stsUrl: `${this.url}/sts/token`, credentials: async () => ({ clientId: this.clientId, clientSecret: this.clientSecret }), outbound, timeoutMs });
  }

  async start(): Promise<this> {
    const app = express();
    app.use(express.json());
    app.use(express.urlencoded({ extended: false }));
    app.post('/sts/token', async (req, res) => {
      const body = req.body as Record<string, unknown>;
      const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
      if (field('grant_type') !== 'client_credentials') return void res.status(400).json({ reason: 'MalformedInput', detail: 'grant_type must be "client_credentials"' });
      const clientId = field('client_id') ?? '';
      if (clientId !== this.clientId || !sameSecret(field('client_secret') ?? '', this.clientSecret)) return void res.status(401).json({ reason: 'Unauthorized', detail: 'client_id or client_secret is wrong' });
      const audience = field('audience');
      if (!audience) return void res.status(400).json({ reason: 'MalformedInput', detail: 'audience is required' });
      const scope = field('bearer_access_scope');
      let token = field('token');
      this.tokenRequests.push({ clientId, audience, ...(scope !== undefined && { scope }), token: token !== undefined, contentType: req.header('content-type') ?? '' });
      if (scope !== undefined && token !== undefined) return void res.status(400).json({ reason: 'MalformedInput', detail: 'give token or bearer_access_scope, not both' });
      if (scope !== undefined) {
        token = randomBytes(24).toString('base64url');
        this.#grants.set(token, { audience, types: typesOf(scope) });
      }
      const idToken = await issueSelfIssuedIdToken({ holderKey: this.holderKey, audience, ...(token !== undefined && { token }) });
      res.json({ access_token: idToken, token_type: 'Bearer', expires_in: 300 });
    });
    app.post('/cs/presentations/query', async (req, res) => {
      const jwt = /^Bearer (\S+)$/.exec(req.header('authorization') ?? '')?.[1];
      if (!jwt) return void res.status(401).json({ reason: 'Unauthorized', detail: 'a self-issued ID token is required' });
      let verifier;
      try {
        verifier = await verifySelfIssuedIdToken(jwt, { keys: this.options.keys, audience: this.did, replayGuard: this.#replay });
      } catch (error) {
        return void res.status(401).json({ reason: 'Unauthorized', detail: (error as Error).message });
      }
      const grant = verifier.token ? this.#grants.get(verifier.token) : undefined;
      if (!grant) return void res.status(401).json({ reason: 'Unauthorized', detail: 'the ID token carries no access token this wallet granted' });
      if (grant.audience !== verifier.holder) return void res.status(403).json({ reason: 'WrongAudience', detail: `the access token was granted to ${grant.audience}` });
      const body = req.body as { type?: unknown; scope?: unknown; nonce?: unknown };
      if (body.type !== 'PresentationQueryMessage' || typeof body.nonce !== 'string') return void res.status(400).json({ reason: 'MalformedInput', detail: 'a PresentationQueryMessage with scope and nonce is required' });
      const asked = typesOf(body.scope);
      const presentable = this.credentials.filter((c) => credentialTypes(c).some((t) => asked.has(t) && grant.types.has(t)));
      this.queries.push({ scope: body.scope, audience: verifier.holder, presented: presentable.length });
      const presentation = await createPresentationJwt({ holderKey: this.holderKey, credentials: presentable, audience: verifier.holder, nonce: body.nonce });
      res.json({ '@context': ['https://w3id.org/dspace-dcp/v1.0/dcp.jsonld'], type: 'PresentationResponseMessage', presentation: [presentation] });
    });
    this.#server = await listen(app, '127.0.0.1', 0);
    return this;
  }

  async stop(): Promise<void> {
    await this.#server?.close();
  }
}
