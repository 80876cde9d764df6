import { generateKeyPair } from '@musubi/core/trust';
import type { ConnectorStatus } from '../../api/v1alpha1/index.js';
import type { KubeClient, KubeObject } from '../../runtime/index.js';
import { ensureCreated, type ChildCache } from '../shared/children.js';
import { SECRET } from '../shared/kinds.js';
import type { OwnerIdentity } from '../shared/labels.js';
import { keyPairFromSecret } from '../trustanchor/keys.js';
import { EVENT_SIGNING_KEY_FILE, eventSigningKeySecretName, eventSigningKid, renderEventSigningKeySecret } from './render.js';

// Each connector signs the change events it sends as provider with a key of its own, which its
// participant's DID document lists under assertionMethod: the participant's key stays in the wallet
// instead of being mounted into every connector pod. The key is generated once, like the wallet
// client secret; deleting its Secret is how an operator rotates it.

export type EventSigningKey = NonNullable<ConnectorStatus['eventSigningKey']>;

export interface EnsuredEventSigningKey {
  secret: KubeObject;
  created: boolean;
  /** The public half (kid and public JWK members), for status.eventSigningKey; never the private `d`. */
  publicKey: EventSigningKey;
}

/**
 * The connector's event-signing key Secret, created when absent and never rewritten. The public key is
 * derived from the stored private key, so status always describes the key the pods sign with.
 * Throws StoredKeyError (naming the Secret, never the key) when the stored key is damaged.
 */
export async function ensureEventSigningKey(
  client: Pick<KubeClient, 'create' | 'get'>, children: ChildCache, connector: KubeObject, owner: OwnerIdentity, namespace: string,
): Promise<EnsuredEventSigningKey> {
  const name = eventSigningKeySecretName(owner.name);
  const { object, created } = await ensureCreated(client, connector, { ...SECRET, namespace, name }, children.get(SECRET, namespace, name), async () => {
    const key = await generateKeyPair({ algorithm: 'Ed25519' });
    return renderEventSigningKeySecret(owner, namespace, key.withKid(eventSigningKid(owner.name, key.thumbprint)).exportPrivateJwk());
  });
  const key = await keyPairFromSecret(object, EVENT_SIGNING_KEY_FILE);
  const { kty, crv, x, y } = key.publicJwk;
  return { secret: object, created, publicKey: { kid: key.kid, kty, crv, x, ...(y !== undefined ? { y } : {}) } };
}
