import { importKeyPair, parsePublicJwk, type KeyPair } from '@musubi/core/trust';
import type { PinnedJwk } from '@musubi/core/service-config';
import type { KubeObject } from '../../runtime/index.js';
import { PUBLIC_KEY_FILE, SIGNING_KEY_FILE } from './names.js';

// Reading the keys the operator stored in Secrets (an anchor's signing key, a participant's wallet
// key). Errors name the Secret and never include key material.

export class StoredKeyError extends Error {
  override name = 'StoredKeyError';
}

function jsonField(secret: KubeObject, key: string): unknown {
  const value = (secret.data as Record<string, string> | undefined)?.[key];
  const where = `Secret ${secret.metadata.namespace}/${secret.metadata.name}`;
  if (!value) throw new StoredKeyError(`${where} has no key "${key}"`);
  try {
    return JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    throw new StoredKeyError(`${where} key "${key}" is not a JSON Web Key`);
  }
}

/** The key pair in `secret` (private JWK under `key`). */
export async function keyPairFromSecret(secret: KubeObject, key = SIGNING_KEY_FILE): Promise<KeyPair> {
  const jwk = jsonField(secret, key);
  try {
    return await importKeyPair(jwk);
  } catch (err) {
    throw new StoredKeyError(`Secret ${secret.metadata.namespace}/${secret.metadata.name} key "${key}" is not a usable private key: ${(err as Error).message}`);
  }
}

/** The public half stored beside the private key (readable without importing the private key). */
export function publicKeyFromSecret(secret: KubeObject, did: string): PinnedJwk {
  const jwk = parsePublicJwk(jsonField(secret, PUBLIC_KEY_FILE));
  const thumbprint = secret.metadata.annotations?.['musubi.dev/key-id'];
  if (!thumbprint) throw new StoredKeyError(`Secret ${secret.metadata.namespace}/${secret.metadata.name} has no musubi.dev/key-id annotation`);
  return { ...jwk, kid: `${did}#${thumbprint}` } as PinnedJwk;
}
