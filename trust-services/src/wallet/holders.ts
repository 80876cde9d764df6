// The holders a wallet speaks for: the company (the participant's key from its Secret) and the members
// (employees) whose DIDs sit below the company's DID. Member keys are custodial: generated on first
// start and kept in the storage directory, readable by the wallet alone.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDidDocument, didWebToUrl, generateKeyPair, importKeyPair, type DidDocument, type KeyPair } from '@musubi/core/trust';
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

export function holderOf(did: string, key: KeyPair, baseUrl: string, member?: Holder['member']): Holder {
  return {
    did,
    key,
    baseUrl,
    path: new URL(baseUrl).pathname.replace(/\/+$/, ''),
    didDocument: buildDidDocument({ did, keys: [{ key }], services: [{ id: `${did}#credential-service`, type: 'CredentialService', serviceEndpoint: baseUrl }] }),
    ...(member ? { member } : {}),
  };
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
