// From a key id in a JWS header or a Data Integrity proof (a DID URL) to a verification key, checking
// that the DID document authorises that key for the purpose at hand (assertionMethod to issue,
// authentication to present or sign ID tokens).
import { TrustError } from './errors.js';
import type { DidDocument, DidResolver, VerificationMethod, VerificationRelationship } from './did-web.js';
import { importPublicKey, parsePublicJwk, type PublicJwk, type VerificationKey } from './keys.js';
import { multibaseToPublicJwk } from './multikey.js';

export interface ResolvedKey extends VerificationKey {
  /** The DID that controls the key. */
  readonly controller: string;
  readonly method: VerificationMethod;
}

export interface KeyResolver {
  resolveDidDocument(did: string): Promise<DidDocument>;
  /** The key `kid` (a DID URL), if its DID document lists it under `relationship`; WrongIssuerKey otherwise. */
  resolveKey(kid: string, relationship: VerificationRelationship): Promise<ResolvedKey>;
}

export function splitDidUrl(didUrl: string): { did: string; fragment: string } {
  const hash = didUrl.indexOf('#');
  if (!didUrl.startsWith('did:') || hash <= 4 || hash === didUrl.length - 1) {
    throw new TrustError('WrongIssuerKey', `key id "${didUrl.slice(0, 200)}" is not a DID URL with a fragment (did:…#key)`);
  }
  return { did: didUrl.slice(0, hash), fragment: didUrl.slice(hash + 1) };
}

function absolute(id: string, did: string): string {
  return id.startsWith('#') ? `${did}${id}` : id;
}

/** The verification method `kid` of `document`, if `relationship` lists it (by reference or embedded). */
export function findVerificationMethod(document: DidDocument, kid: string, relationship: VerificationRelationship): VerificationMethod {
  const did = document.id;
  const listed = (document[relationship] ?? []).find((entry) => absolute(typeof entry === 'string' ? entry : entry.id, did) === kid);
  if (!listed) {
    throw new TrustError('WrongIssuerKey', `${did} does not list key ${kid} under ${relationship}; the signer used a key its DID document does not authorise for this`);
  }
  const method =
    typeof listed === 'object' ? listed : (document.verificationMethod ?? []).find((m) => absolute(m.id, did) === kid);
  if (!method) throw new TrustError('WrongIssuerKey', `${did} lists ${kid} under ${relationship} but has no verification method with that id`);
  if (method.controller !== undefined && method.controller !== did) {
    throw new TrustError('WrongIssuerKey', `key ${kid} is controlled by ${String(method.controller)}, not by ${did}`);
  }
  return { ...method, id: kid, controller: did };
}

export function publicJwkOfMethod(method: VerificationMethod): PublicJwk {
  if (method.publicKeyJwk) {
    if ('d' in (method.publicKeyJwk as object)) throw new TrustError('MalformedInput', `verification method ${method.id} publishes a private key (d); refusing it`);
    return parsePublicJwk(method.publicKeyJwk);
  }
  if (typeof method.publicKeyMultibase === 'string') return multibaseToPublicJwk(method.publicKeyMultibase);
  throw new TrustError('MalformedInput', `verification method ${method.id} has neither publicKeyJwk nor publicKeyMultibase`);
}

/**
 * Key resolution through DID documents. Imported keys are kept per (kid, key material) so a rotated
 * key in a re-fetched document is never confused with the cached one.
 */
export function createKeyResolver(dids: DidResolver, options: { maxCachedKeys?: number } = {}): KeyResolver {
  const maxCachedKeys = options.maxCachedKeys ?? 1000;
  const keys = new Map<string, VerificationKey>();
  return {
    resolveDidDocument: (did) => dids.resolve(did),
    async resolveKey(kid, relationship) {
      const { did } = splitDidUrl(kid);
      const document = await dids.resolve(did);
      const method = findVerificationMethod(document, kid, relationship);
      const jwk = publicJwkOfMethod(method);
      const cacheKey = `${kid}|${jwk.crv}|${jwk.x}|${jwk.y ?? ''}`;
      let key = keys.get(cacheKey);
      if (!key) {
        key = await importPublicKey(jwk, kid);
        while (keys.size >= maxCachedKeys) keys.delete(keys.keys().next().value as string);
        keys.set(cacheKey, key);
      }
      return asResolved(key, did, method);
    },
  };
}

export function asResolved(key: VerificationKey, controller: string, method: VerificationMethod): ResolvedKey {
  return { kid: key.kid, alg: key.alg, publicJwk: key.publicJwk, controller, method, verify: (data, signature) => key.verify(data, signature) };
}
