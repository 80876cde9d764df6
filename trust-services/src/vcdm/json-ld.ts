// A credential is a JSON-LD document; the trust library expands Data Integrity credentials when it checks
// their proofs, and the services run the same expansion for vc+jwt payloads, so that a credential whose
// terms are undefined, redefined or defined by an unknown or inline context is refused in either format.
import { BUNDLED_CONTEXTS, TrustError, findTrustError, type DocumentLoader } from '@musubi/core/trust';
import jsonld from 'jsonld';

export function assertBundledContexts(document: Record<string, unknown>, field: string, extra?: ReadonlyMap<string, unknown>): void {
  const contexts = Array.isArray(document['@context']) ? document['@context'] : [document['@context']];
  contexts.forEach((context, i) => {
    if (typeof context !== 'string') {
      throw new TrustError('MalformedJsonLd', `${field}.@context[${i}] is an inline context; only bundled context URLs are accepted`);
    }
    if (!BUNDLED_CONTEXTS.has(context) && !extra?.has(context)) {
      throw new TrustError('UnknownContext', `${field}.@context[${i}] "${context.slice(0, 200)}" is not a bundled context; contexts are never fetched`);
    }
  });
}

/**
 * Expand `document` in JSON-LD safe mode with the bundled contexts: every property and type must be
 * defined, no protected term may be redefined. MalformedJsonLd / UnknownContext otherwise.
 */
export async function assertJsonLd(document: Record<string, unknown>, field: string, documentLoader: DocumentLoader): Promise<void> {
  assertBundledContexts(document, field);
  // The envelope's proof is not part of the document's claims; it is checked by its own suite.
  const { proof: _proof, ...claims } = document;
  try {
    await jsonld.expand(claims, { documentLoader, safe: true });
  } catch (error) {
    const trustError = findTrustError(error);
    if (trustError) throw trustError;
    const details = (error as { details?: { event?: { message?: string } } }).details?.event?.message;
    throw new TrustError('MalformedJsonLd', `${field} is not valid JSON-LD for its contexts: ${details ?? (error as Error).message}`, { cause: error });
  }
}
