// The key a provider signs its events with, from a mounted Secret: a private JWK of a key of the
// participant's DID. A bare kid is bound to the participant's DID as <did>#<kid>, the id the wallet
// publishes it under: the connector's own event-signing key (kid connector-<name>-<…>, listed under
// assertionMethod) or a key without kid (its thumbprint). A key already bound to another DID is
// refused, since consumers would not find it in this DID's document.
import { readFile } from 'node:fs/promises';
import { importKeyPair, type KeyPair } from '@musubi/core/trust';

export async function loadSigningKey(path: string, participantDid: string): Promise<KeyPair> {
  let jwk: unknown;
  try {
    jwk = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new Error(`notifications.signingKeyFile: cannot read a JWK from ${path} (${(cause as Error).message}); mount the connector's event-signing key Secret there`, { cause });
  }
  let key: KeyPair;
  try {
    key = await importKeyPair(jwk);
  } catch (cause) {
    throw new Error(`notifications.signingKeyFile ${path}: not a private key JWK (${(cause as Error).message})`, { cause });
  }
  if (!key.kid.startsWith('did:')) return key.forDid(participantDid, key.kid);
  if (!key.kid.startsWith(`${participantDid}#`)) {
    throw new Error(`notifications.signingKeyFile ${path}: the key ${key.kid} belongs to another DID than participant.did (${participantDid}); use a key of ${participantDid}`);
  }
  return key;
}
