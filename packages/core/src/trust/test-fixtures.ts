// A small dataspace for the trust library's tests (not exported from index.ts): an EU provider whose own
// anchor recognises a Japanese anchor, a Japanese consumer company with an employee, published status
// lists, and a fixed clock the tests move. Everything is generated per call; nothing touches the network.
import { buildDidDocument, LocalDidRegistry } from './did-web.js';
import { createKeyResolver, type KeyResolver } from './key-resolver.js';
import { generateKeyPair, type KeyAlgorithmInput, type KeyPair } from './keys.js';
import { StatusList, createStatusListResolver, type StatusListResolver } from './status-list.js';
import { TrustStore, type PinnedJwk, type RecognisedAnchorConfig } from './trust-store.js';
import { issueCredentialJwt } from './vc-jwt.js';
import { issueCredentialDataIntegrity } from './data-integrity.js';
import { verifyCredentialAnyFormat } from './access-verifier.js';
import {
  buildDataspaceMembershipCredential, buildEmployeeCredential, buildLegalPersonCredential, buildRelationshipCredential,
} from './credential-types.js';
import type { Credential } from './credential.js';
import type { Clock } from './time.js';

export const T0 = new Date('2026-06-01T00:00:00Z');
export const DAY = 24 * 60 * 60 * 1000;

export class TestClock {
  now = new Date(T0);
  readonly clock: Clock = () => new Date(this.now);
  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }
}

export async function didKey(did: string, algorithm: KeyAlgorithmInput = 'Ed25519'): Promise<KeyPair> {
  return (await generateKeyPair({ algorithm })).forDid(did, 'key-1');
}

export function pinned(key: KeyPair): PinnedJwk {
  return { ...key.publicJwk, kid: key.kid };
}

export const DID = {
  euAnchor: 'did:web:anchor.eu.example',
  jpAnchor: 'did:web:anchor.jp.example',
  provider: 'did:web:provider.eu.example',
  otherProvider: 'did:web:other.eu.example',
  acme: 'did:web:acme.jp.example',
  taro: 'did:web:acme.jp.example:employees:taro',
  mallory: 'did:web:mallory.example',
} as const;

export const ACME_CORPORATE_NUMBER = '1180301018771';
export const JP_ANCHOR_STATUS = 'https://anchor.jp.example/status/1';
export const JP_ANCHOR_SUSPENSION = 'https://anchor.jp.example/status/2';

export interface World {
  time: TestClock;
  keys: Record<keyof typeof DID, KeyPair>;
  registry: LocalDidRegistry;
  dids: KeyResolver;
  trustStore: TrustStore;
  recognisedJp: RecognisedAnchorConfig;
  revocations: StatusList;
  suspensions: StatusList;
  /** Raw status list credentials by URL, as a web server would serve them. */
  published: Map<string, string | object>;
  fetches: string[];
  statusLists: StatusListResolver;
  publishStatusLists(): Promise<void>;
  legalPerson(options?: { format?: 'vc+jwt' | 'eddsa-rdfc-2022'; status?: boolean; subject?: string; issuerKey?: KeyPair; validUntil?: Date; id?: string }): Promise<{ raw: string | object; credential: Credential; revocationIndex?: number; suspensionIndex?: number }>;
  membership(): Promise<string>;
  employee(options?: { employerCredential: string; issuerKey?: KeyPair; roles?: string[] }): Promise<string>;
  relationship(options?: { grantorKey?: KeyPair; type?: string; subject?: string }): Promise<string>;
}

export async function createWorld(options: { maxStalenessSeconds?: number } = {}): Promise<World> {
  const time = new TestClock();
  const keys = {
    euAnchor: await didKey(DID.euAnchor, 'P-256'),
    jpAnchor: await didKey(DID.jpAnchor),
    provider: await didKey(DID.provider),
    otherProvider: await didKey(DID.otherProvider),
    acme: await didKey(DID.acme),
    taro: await didKey(DID.taro, 'secp256k1'),
    mallory: await didKey(DID.mallory),
  };
  const registry = new LocalDidRegistry();
  for (const name of ['provider', 'otherProvider', 'acme', 'taro', 'mallory'] as const) {
    registry.register(buildDidDocument({ did: DID[name], keys: [{ key: keys[name], type: name === 'acme' ? 'Multikey' : 'JsonWebKey2020' }] }));
  }
  const dids = createKeyResolver(registry);
  const recognisedJp: RecognisedAnchorConfig = {
    did: DID.jpAnchor,
    jurisdiction: 'JP',
    keys: [pinned(keys.jpAnchor)],
    trustListFetchedAt: T0,
    maxStalenessSeconds: options.maxStalenessSeconds ?? 24 * 3600,
    attributeMapping: [{ from: 'jp-corporate-number', to: 'local' }],
  };
  const trustStore = await TrustStore.create({
    own: [{ did: DID.euAnchor, jurisdiction: 'EU', keys: [pinned(keys.euAnchor)] }],
    recognised: [recognisedJp],
    clock: time.clock,
  });
  const revocations = StatusList.create({ id: JP_ANCHOR_STATUS, purpose: 'revocation' });
  const suspensions = StatusList.create({ id: JP_ANCHOR_SUSPENSION, purpose: 'suspension' });
  const published = new Map<string, string | object>();
  const fetches: string[] = [];
  const statusLists = createStatusListResolver({
    fetch: async (url) => {
      fetches.push(url);
      const raw = published.get(url);
      if (raw === undefined) throw new Error(`404 ${url}`);
      return raw;
    },
    verify: (raw) => verifyCredentialAnyFormat(raw, { keys: trustStore.keyResolver(dids), clock: time.clock }),
    clock: time.clock,
    cacheTtlMs: 0,
  });
  const world: World = {
    time, keys, registry, dids, trustStore, recognisedJp, revocations, suspensions, published, fetches, statusLists,
    async publishStatusLists() {
      for (const list of [revocations, suspensions]) {
        const credential = await list.credential({ issuer: DID.jpAnchor, validFrom: T0, validUntil: new Date(T0.getTime() + 30 * DAY) });
        published.set(list.id, await issueCredentialJwt(credential, keys.jpAnchor));
      }
    },
    async legalPerson(opts = {}) {
      const revocationIndex = opts.status ? revocations.allocate() : undefined;
      const suspensionIndex = opts.status ? suspensions.allocate() : undefined;
      const issuerKey = opts.issuerKey ?? keys.jpAnchor;
      const credential = buildLegalPersonCredential({
        issuer: issuerKey.kid.split('#')[0] as string,
        ...(opts.id ? { id: opts.id } : {}),
        validFrom: T0,
        validUntil: opts.validUntil ?? new Date(T0.getTime() + 365 * DAY),
        subject: {
          id: opts.subject ?? DID.acme,
          legalName: 'ACME Recycling K.K.',
          country: 'JP',
          identifiers: [{ scheme: 'jp-corporate-number', value: ACME_CORPORATE_NUMBER }],
          verification: { dataSource: 'National Tax Agency corporate number registry', checkedAt: T0.toISOString() },
        },
        ...(revocationIndex !== undefined && suspensionIndex !== undefined
          ? { credentialStatus: [revocations.entry(revocationIndex), suspensions.entry(suspensionIndex)] }
          : {}),
      });
      const raw = opts.format === 'eddsa-rdfc-2022'
        ? await issueCredentialDataIntegrity(credential, issuerKey, { clock: time.clock })
        : await issueCredentialJwt(credential, issuerKey);
      await world.publishStatusLists();
      return { raw, credential, ...(revocationIndex !== undefined ? { revocationIndex, suspensionIndex } : {}) };
    },
    async membership() {
      return issueCredentialJwt(
        buildDataspaceMembershipCredential({ issuer: DID.euAnchor, validFrom: T0, subject: { id: DID.acme, dataspace: 'circular-batteries', since: T0.toISOString() } }),
        keys.euAnchor,
      );
    },
    async employee(opts = { employerCredential: '' }) {
      const issuerKey = opts.issuerKey ?? keys.acme;
      return issueCredentialJwt(
        buildEmployeeCredential({
          issuer: issuerKey.kid.split('#')[0] as string,
          validFrom: T0,
          subject: { id: DID.taro, employerCredential: opts.employerCredential, roles: opts.roles ?? ['purchaser'], displayName: 'Taro Yamada' },
        }),
        issuerKey,
      );
    },
    async relationship(opts = {}) {
      const grantorKey = opts.grantorKey ?? keys.provider;
      return issueCredentialJwt(
        buildRelationshipCredential({ issuer: grantorKey.kid.split('#')[0] as string, validFrom: T0, type: opts.type ?? 'recyclerOf', subject: opts.subject ?? DID.acme }),
        grantorKey,
      );
    },
  };
  return world;
}
