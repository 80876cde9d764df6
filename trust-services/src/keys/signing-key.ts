// The service's signing key, from the private JWK the operator stores in a Secret and mounts as a file.
// The key is bound to the service's DID here: its kid becomes <did>#<fragment>, the fragment taken from
// the stored kid (so a key referenced in an anchor's pinned keys keeps its id) or its thumbprint.
import { readFileSync } from 'node:fs';
import { importKeyPair, type KeyPair } from '@musubi/core/trust';

export async function loadSigningKey(path: string, did: string, field: string): Promise<KeyPair> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new Error(`${field}: cannot read the signing key at ${path}; mount the key Secret there`, { cause });
  }
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch (cause) {
    throw new Error(`${field}: ${path} is not a JSON Web Key (JSON)`, { cause });
  }
  let pair: KeyPair;
  try {
    pair = await importKeyPair(jwk);
  } catch (cause) {
    throw new Error(`${field}: ${path}: ${(cause as Error).message}`, { cause });
  }
  const storedKid = typeof (jwk as { kid?: unknown }).kid === 'string' ? ((jwk as { kid: string }).kid) : undefined;
  if (storedKid?.includes('#') && !storedKid.startsWith(`${did}#`)) {
    throw new Error(`${field}: the key in ${path} has kid ${storedKid}, which belongs to another DID than ${did}`);
  }
  const fragment = storedKid ? storedKid.slice(storedKid.indexOf('#') + 1) : pair.thumbprint;
  return pair.forDid(did, fragment);
}
