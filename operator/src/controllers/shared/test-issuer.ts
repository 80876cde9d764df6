import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ENVELOPED_VC_JWT_DATA_URL, IssueCredentialRequest, TRUST_LIST_CONFIG_FILE, TrustListConfig, UpdateCredentialStatusRequest,
} from '@musubi/core/service-config';
import { buildDataspaceMembershipCredential, buildLegalPersonCredential, didWebFromUrl, issueCredentialJwt } from '@musubi/core/trust';
import type { KubeClient, KubeObject } from '../../runtime/index.js';
import { keyPairFromSecret } from '../trustanchor/keys.js';
import { API_TOKEN_KEY, apiTokenSecretName, signingKeySecretName, trustListConfigMapName } from '../trustanchor/names.js';
import { parseDuration } from './duration.js';

// Test support: a VC issuer on 127.0.0.1 that does what the operator relies on — bearer token, registry
// check, credentials signed with the anchor's key from its Secret, revocation, status report — so the
// Participant and TrustAnchor controllers are tested against real HTTP and real signatures. Its
// `fetch` sends requests for any anchor's in-cluster endpoint here, naming the anchor in a header.

export interface RegistryEntry {
  scheme: string;
  value: string;
  legalName: string;
  country: string;
}

export class TestIssuer {
  readonly issued: Array<{ anchor: string; id: string; type: string; subject: string }> = [];
  readonly revoked: string[] = [];
  /** When false, requests fail as if the issuer's pods were not running. */
  reachable = true;
  /** Validity of issued credentials in ms; default: what the TrustAnchor says. */
  validityMs: number | undefined;
  /** When this issuer last refreshed recognised anchors' trust lists, as it reports. */
  readonly refreshedAt = new Date();

  private constructor(private readonly server: Server, private readonly client: KubeClient, private readonly registry: RegistryEntry[]) {}

  static async start(client: KubeClient, registry: RegistryEntry[]): Promise<TestIssuer> {
    const handler: { issuer?: TestIssuer } = {};
    const server = createServer((req, res) => void handler.issuer!.handle(req, res));
    const issuer = new TestIssuer(server, client, registry);
    handler.issuer = issuer;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return issuer;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    if (!this.reachable) throw new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ECONNREFUSED ${url.host}`), { code: 'ECONNREFUSED' }) });
    const headers = new Headers(init?.headers);
    headers.set('x-musubi-anchor', url.hostname.split('.').slice(0, 2).join('.'));
    return fetch(`http://127.0.0.1:${this.port}${url.pathname}`, { ...init, headers });
  };

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      const [service = '', namespace = ''] = String(req.headers['x-musubi-anchor'] ?? '').split('.');
      const anchorName = service.replace(/-issuer$/, '');
      const anchor = await this.client.get({ apiVersion: 'musubi.dev/v1alpha1', kind: 'TrustAnchor', namespace, name: anchorName });
      const token = await this.secretValue(namespace, apiTokenSecretName(anchorName), API_TOKEN_KEY);
      if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { title: 'Unauthorized', detail: 'bearer token missing or wrong' });
      const body = await readJson(req);
      if (req.method === 'POST' && req.url === '/credentials/issue') return reply(...(await this.issue(anchor, body)));
      if (req.method === 'POST' && req.url === '/credentials/status') {
        const update = UpdateCredentialStatusRequest.parse(body);
        if (!this.issued.some((c) => c.id === update.credentialId)) return reply(404, { title: 'UnknownCredential' });
        this.revoked.push(update.credentialId);
        return reply(200, {});
      }
      if (req.method === 'GET' && req.url === '/status') return reply(200, await this.report(anchor));
      return reply(404, { title: 'NotFound' });
    } catch (err) {
      return reply(500, { title: 'InternalError', detail: (err as Error).message });
    }
  }

  private async issue(anchor: KubeObject, body: unknown): Promise<[number, unknown]> {
    const parsed = IssueCredentialRequest.safeParse(body);
    if (!parsed.success) return [400, { title: 'BadRequest', detail: parsed.error.issues[0]?.message }];
    const { credential } = parsed.data;
    const spec = anchor.spec as { publicURL: string; credentials: Array<{ type: string; validity?: string }> };
    const did = didWebFromUrl(spec.publicURL);
    const type = credential.type.find((t) => t !== 'VerifiableCredential')!;
    const offered = spec.credentials.find((c) => c.type === type);
    if (!offered) return [422, { title: 'CredentialTypeNotIssued', detail: `this anchor does not issue ${type}` }];
    const key = await keyPairFromSecret(await this.client.get({ apiVersion: 'v1', kind: 'Secret', namespace: anchor.metadata.namespace, name: signingKeySecretName(anchor.metadata.name!) }));
    const now = new Date();
    const validUntil = new Date(now.getTime() + (this.validityMs ?? parseDuration(offered.validity ?? '8760h')));
    const subject = credential.credentialSubject;
    let unsigned;
    if (type === 'LegalPersonCredential' && 'identifiers' in subject) {
      for (const id of subject.identifiers) {
        const entry = this.registry.find((e) => e.scheme === id.scheme && e.value === id.value);
        if (!entry) return [422, { title: 'IdentifierNotRegistered', detail: `${id.scheme} ${id.value} is not in the registry` }];
        if (entry.legalName !== subject.legalName) return [422, { title: 'LegalNameMismatch', detail: `the registry names ${id.value} "${entry.legalName}"` }];
      }
      unsigned = buildLegalPersonCredential({
        issuer: did, validFrom: now, validUntil,
        subject: { ...subject, verification: { dataSource: 'test registry', checkedAt: now.toISOString() } },
      });
    } else {
      unsigned = buildDataspaceMembershipCredential({ issuer: did, validFrom: now, validUntil, subject: { id: subject.id, dataspace: 'musubi', since: now.toISOString() } });
    }
    const jwt = await issueCredentialJwt(unsigned, key.forDid(did));
    this.issued.push({ anchor: anchor.metadata.name!, id: unsigned.id!, type, subject: subject.id });
    return [201, { verifiableCredential: { '@context': 'https://www.w3.org/ns/credentials/v2', id: `${ENVELOPED_VC_JWT_DATA_URL}${jwt}`, type: 'EnvelopedVerifiableCredential' } }];
  }

  private async report(anchor: KubeObject): Promise<unknown> {
    const cm = await this.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: anchor.metadata.namespace, name: trustListConfigMapName(anchor.metadata.name!) });
    const trustList = TrustListConfig.parse(JSON.parse((cm.data as Record<string, string>)[TRUST_LIST_CONFIG_FILE]!));
    const refreshed = this.refreshedAt.getTime();
    return {
      did: trustList.anchor.did,
      signingKeyID: trustList.anchor.keys[0]!.kid.split('#')[1],
      trustListValidUntil: new Date(refreshed + 86_400_000).toISOString(),
      recognised: trustList.recognised.map((r) => ({ name: r.name, did: r.did, state: 'Fresh', lastRefreshTime: this.refreshedAt.toISOString(), validUntil: new Date(refreshed + 86_400_000).toISOString() })),
    };
  }

  private async secretValue(namespace: string, name: string, key: string): Promise<string> {
    const secret = await this.client.get({ apiVersion: 'v1', kind: 'Secret', namespace, name });
    return Buffer.from((secret.data as Record<string, string>)[key] ?? '', 'base64').toString();
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text ? JSON.parse(text) : undefined;
}
