// The holders a wallet speaks for: the company (the participant's key from its Secret) and the members
// (employees) whose DIDs sit below the company's DID. Member keys are custodial: generated on first
// start and kept in the storage directory, readable by the wallet alone.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectorEventKey } from '@musubi/core/service-config';
import {
  buildDidDocument, didWebToUrl, generateKeyPair, importKeyPair, importPublicKey, type DidDocument, type DidDocumentKey, type KeyPair, type VerificationKey,
} from '@musubi/core/trust';
import { ConfigError } from '../config/load.js';
import { ensureDirectory, writeFileAtomic } from '../storage/atomic-file.js';

export interface Holder {
  did: string;
  key: KeyPair;
  /** URL of this holder's endpoints (its DCP Credential Service base URL). */
  baseUrl: string;
  /** Path the holder's routes are served under (pathname of baseUrl). */
  path: string;
  didDocument: DidDocument;
  member?: { id: string; roles: string[]; displayName?: string };
}

/** The base URL of a did:web DID: where its did.json lives, without the did.json part. */
export function baseUrlOfDid(did: string, allowHttpLoopback: boolean): string {
  return didWebToUrl(did, { allowHttpLoopback }).replace(/\/(\.well-known\/)?did\.json$/, '');
}

export interface HolderOptions {
  member?: Holder['member'];
  /** Further keys of this DID listed for assertions only (the company's connectors' event-signing keys). */
  assertionKeys?: readonly VerificationKey[];
}

export function holderOf(did: string, key: KeyPair, baseUrl: string, options: HolderOptions = {}): Holder {
  const assertionOnly = (options.assertionKeys ?? []).map((k): DidDocumentKey => ({ key: k, relationships: ['assertionMethod'] }));
  return {
    did,
    key,
    baseUrl,
    path: new URL(baseUrl).pathname.replace(/\/+$/, ''),
    didDocument: buildDidDocument({ did, keys: [{ key }, ...assertionOnly], services: [{ id: `${did}#credential-service`, type: 'CredentialService', serviceEndpoint: baseUrl }] }),
    ...(options.member ? { member: options.member } : {}),
  };
}

/**
 * The connectors' event-signing keys as keys of the company DID (<did>#<kid>). A connector signs its
 * change events with its own key rather than the company's, so the company key never leaves the
 * wallet; consumers find the connector's key in the company's DID document.
 */
export async function connectorEventKeysOf(did: string, keys: readonly ConnectorEventKey[]): Promise<VerificationKey[]> {
  return Promise.all(keys.map(async ({ connector, key: { kid, alg: _alg, ...jwk } }, i) => {
    try {
      return await importPublicKey(jwk, `${did}#${kid}`);
    } catch (cause) {
      throw new ConfigError(`connectorEventKeys[${i}].key (Connector ${connector}) is not a usable public key: ${(cause as Error).message}`, { cause });
    }
  }));
}

/** The custodial key of member `id`, created on first use. */
export async function memberKey(storageDir: string, id: string, did: string): Promise<KeyPair> {
  const directory = join(storageDir, 'member-keys');
  ensureDirectory(directory);
  const path = join(directory, `${id}.jwk`);
  if (existsSync(path)) return (await importKeyPair(JSON.parse(readFileSync(path, 'utf8')))).forDid(did, 'key-1');
  const key = (await generateKeyPair({ algorithm: 'Ed25519' })).forDid(did, 'key-1');
  writeFileAtomic(path, JSON.stringify(key.exportPrivateJwk()), 0o600);
  return key;
}

/** Whether `memberDid` is below `companyDid` on the same host, so this wallet can serve its DID document. */
export function isHostedBelow(companyDid: string, memberDid: string): boolean {
  return memberDid.startsWith(`${companyDid}:`);
}
