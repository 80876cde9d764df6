// The last step of compiling a Policy: derive the ODRL form and the digest from the rules, so the
// three can never disagree (validateCompiledPolicy rejects a document where they do).
import { policyDigest } from './digest.js';
import { toOdrlPolicyBody } from './odrl.js';
import type { CompiledPolicy } from './types.js';

export type CompiledPolicyContent = Omit<CompiledPolicy, 'digest' | 'odrl'>;

export function assembleCompiledPolicy(content: CompiledPolicyContent): CompiledPolicy {
  const withOdrl = { ...content, odrl: toOdrlPolicyBody(content) };
  return { ...withOdrl, digest: policyDigest(withOdrl) };
}
