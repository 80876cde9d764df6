// The digest identifies a compiled policy's content: connector pods roll when it changes, and a
// connector rejects a mounted document whose content no longer matches it.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json/index.js';
import type { CompiledPolicy } from './types.js';

export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

/**
 * `sha256:<hex>` over the canonical JSON of the document without `digest` and `generation`. The
 * generation is left out because it also moves when only a Policy's description changes, and that
 * must not roll connector pods.
 */
export function policyDigest(policy: Omit<CompiledPolicy, 'digest' | 'generation'> & { digest?: string; generation?: number }): string {
  const { digest: _digest, generation: _generation, ...content } = policy;
  return `sha256:${createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex')}`;
}
