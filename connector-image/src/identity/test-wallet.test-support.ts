// TEST ONLY: a participant's wallet as DCP describes it, small enough for a test: a Secure Token
// Service that issues self-issued ID tokens (with an access token inside) and a credential service that
// answers presentation queries made with such an access token by presenting the holder's credentials,
// bound to the verifier's DID and the ID token's jti. Runs on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import express from 'express';
import { issueSelfIssuedIdToken, createPresentationJwt, type KeyPair } from '@musubi/core/trust';
import { listen, type Listening } from '../connector/servers.js';

export class TestWallet {
  readonly #grants = new Map<string, { audience: string; jti: string }>();
  #server: Listening | undefined;
  /** Every presentation query this wallet answered, for assertions. */
  readonly queries: Array<{ scope: unknown; audience: string }> = [];

  constructor(
    readonly holderKey: KeyPair,
    readonly credentials: string[],
    readonly walletToken = randomBytes(24).toString('base64url'),
  ) {}

  get url(): string {
    if (!this.#server) throw new Error('the test wallet is not started');
    return this.#server.url;
  }

  async start(): Promise<this> {
    const app = express();
    app.use(express.json());
    app.post('/sts/token', async (req, res) => {
      if (req.header('authorization') !== `Bearer ${this.walletToken}`) return void res.status(401).json({ error: 'wallet token required' });
      const audience = (req.body as { audience?: unknown }).audience;
      if (typeof audience !== 'string') return void res.status(400).json({ error: 'audience required' });
      const accessToken = randomBytes(24).toString('base64url');
      const idToken = await issueSelfIssuedIdToken({ holderKey: this.holderKey, audience, token: accessToken });
      const jti = (JSON.parse(Buffer.from(idToken.split('.')[1] as string, 'base64url').toString('utf8')) as { jti: string }).jti;
      this.#grants.set(accessToken, { audience, jti });
      res.json({ idToken });
    });
    app.post('/cs/presentations/query', async (req, res) => {
      const accessToken = /^Bearer (\S+)$/.exec(req.header('authorization') ?? '')?.[1];
      const grant = accessToken ? this.#grants.get(accessToken) : undefined;
      if (!grant || !accessToken) return void res.status(401).json({ error: 'unknown access token' });
      this.#grants.delete(accessToken);
      this.queries.push({ scope: (req.body as { scope?: unknown }).scope, audience: grant.audience });
      const presentation = await createPresentationJwt({ holderKey: this.holderKey, credentials: this.credentials, audience: grant.audience, nonce: grant.jti });
      res.json({ '@context': ['https://w3id.org/dspace-dcp/v1.0/dcp.jsonld'], '@type': 'PresentationResponseMessage', presentation: [presentation] });
    });
    this.#server = await listen(app, '127.0.0.1', 0);
    return this;
  }

  async stop(): Promise<void> {
    await this.#server?.close();
  }
}
