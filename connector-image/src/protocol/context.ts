// How Musubi reads and writes DSP 2025-1 JSON-LD. The specification designs its context so that
// compacting a message with it yields JSON that validates against the JSON Schemas, and lets an
// implementation process messages as plain JSON in that compacted form. Musubi does exactly that:
// it never expands, compacts or fetches a context. A message is accepted when its @context names the
// DSP 2025-1 context (the context is @protected, so no other context listed beside it can redefine a
// DSP term) and its terms are the compacted DSP terms the schemas name.

export const DSP_CONTEXT = 'https://w3id.org/dspace/2025/1/context.jsonld';
export const DSP_VERSION = '2025-1';
/** Musubi's own term for the purpose a consumer declares (ODRL purpose), written as a full IRI. */
export const MUSUBI_PURPOSE = 'https://musubi.dev/ns/policy#purpose';

/**
 * The @context as the schemas want it (an array naming the DSP context). A lone string naming the DSP
 * context means the same in JSON-LD, so it is accepted and written back as a one-element array.
 */
export function normalizeContext(message: Record<string, unknown>): Record<string, unknown> {
  const context = message['@context'];
  if (context === DSP_CONTEXT) return { ...message, '@context': [DSP_CONTEXT] };
  return message;
}

/** Keys that show a sender wrote DSP terms in expanded or prefixed form instead of compacted. */
export function uncompactedKeys(message: Record<string, unknown>): string[] {
  return Object.keys(message).filter((key) => key.startsWith('dspace:') || key.startsWith('https://w3id.org/dspace/'));
}
