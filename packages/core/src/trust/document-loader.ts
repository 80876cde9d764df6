// The JSON-LD document loader for Data Integrity: every context comes from this bundle (npm packages
// plus Musubi's own), DID URLs are answered from the key resolver, and anything else is refused with
// UnknownContext, never fetched: a verifier that fetches contexts lets whoever controls a URL change
// what a signed credential means, and lets an attacker make it send requests.
import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import { contexts as bitstringStatusListContexts } from '@digitalbazaar/vc-bitstring-status-list-context';
import didContext from 'did-context';
import { TrustError } from './errors.js';
import { MULTIKEY_CONTEXT_V1 } from './did-web.js';
import { findVerificationMethod, splitDidUrl, type KeyResolver } from './key-resolver.js';
import { MUSUBI_CREDENTIALS_CONTEXT_DOCUMENT, MUSUBI_CREDENTIALS_CONTEXT_URL } from './contexts/musubi-credentials-v1.js';

export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: unknown;
}

export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

function entries(map: Map<string, unknown>, only?: string[]): [string, unknown][] {
  return [...map.entries()].filter(([url]) => !only || only.includes(url));
}

/**
 * The bundled contexts, by URL. Built once: the objects are shared and frozen so jsonld's own
 * resolved-context cache (keyed by URL) stays valid across every verification in the process.
 */
export const BUNDLED_CONTEXTS: ReadonlyMap<string, unknown> = new Map(
  [
    ...entries(credentialsContexts, ['https://www.w3.org/ns/credentials/v2']),
    ...entries(dataIntegrityContext.contexts as Map<string, unknown>),
    ...entries(multikeyContext.contexts as Map<string, unknown>),
    ...entries(bitstringStatusListContexts),
    ...entries(didContext.contexts as Map<string, unknown>),
    [MUSUBI_CREDENTIALS_CONTEXT_URL, structuredClone(MUSUBI_CREDENTIALS_CONTEXT_DOCUMENT)] as [string, unknown],
  ].map(([url, document]) => [url, deepFreeze(document)]),
);

export interface DocumentLoaderOptions {
  /** Answers DID URLs (verification methods and DID documents); without it DID URLs are refused. */
  keys?: KeyResolver;
  /** Extra contexts by URL, e.g. a partner's vocabulary the operator vetted and bundled. */
  contexts?: ReadonlyMap<string, unknown>;
}

export function createDocumentLoader(options: DocumentLoaderOptions = {}): DocumentLoader {
  const extra = new Map([...(options.contexts ?? new Map<string, unknown>())].map(([url, document]) => [url, deepFreeze(structuredClone(document))]));
  return async (url: string): Promise<RemoteDocument> => {
    const context = BUNDLED_CONTEXTS.get(url) ?? extra.get(url);
    if (context !== undefined) return { contextUrl: null, documentUrl: url, document: context };
    if (url.startsWith('did:') && options.keys) {
      if (!url.includes('#')) return { contextUrl: null, documentUrl: url, document: await options.keys.resolveDidDocument(url) };
      const { did } = splitDidUrl(url);
      const document = await options.keys.resolveDidDocument(did);
      // The relationship is checked by the proof purpose against the DID document; here any listed
      // method is served, with the Multikey context Ed25519Multikey expects.
      const method =
        (document.verificationMethod ?? []).find((m) => m.id === url || `${did}${m.id}` === url) ??
        findVerificationMethod(document, url, 'assertionMethod');
      return { contextUrl: null, documentUrl: url, document: { '@context': MULTIKEY_CONTEXT_V1, ...method, id: url, controller: did } };
    }
    throw new TrustError('UnknownContext', `refusing to load "${url.slice(0, 200)}": it is not a bundled JSON-LD context, and contexts are never fetched; use only ${[...BUNDLED_CONTEXTS.keys()].join(', ')}`);
  };
}
