// The DCP Storage API's acceptance rule: a credential is stored only if it verifies, was issued by the
// party that sent it, is about the holder it was sent to, and comes from someone entitled to issue its
// type here — the participant's anchor for anchor-issued types, the granting party for a relationship,
// a configured trusted issuer for anything else.
import { TrustError, type TypedCredential } from '@musubi/core/trust';
import { ANCHOR_ISSUED_TYPES, verifyCredential } from '../verification/credential.js';
import type { WalletCore } from './core.js';
import type { Holder } from './holders.js';

function entitled(core: WalletCore, typed: TypedCredential | undefined, issuer: string): boolean {
  if (typed && ANCHOR_ISSUED_TYPES.has(typed.type)) return issuer === core.config.trustAnchor.did;
  if (typed?.type === 'RelationshipCredential') return typed.subject.relationship.object === issuer;
  if (typed?.type === 'EmployeeCredential') return typed.subject.employer === issuer;
  return core.config.trustedIssuers.includes(issuer) || issuer === core.config.trustAnchor.did;
}

/** Refuse (TrustError) a credential this holder must not store; storing is the caller's next step. */
export async function checkForStorage(core: WalletCore, holder: Holder, sender: string, payload: string | Record<string, unknown>, field: string): Promise<void> {
  const verdict = await verifyCredential(payload, core.verification, field);
  const { issuer, credential } = verdict.verified;
  if (issuer !== sender) throw new TrustError('UntrustedIssuer', `${field} was issued by ${issuer}, but sent by ${sender}; a party may only store credentials it issued`);
  if (credential.credentialSubject.id !== holder.did) {
    throw new TrustError('HolderMismatch', `${field} is about ${String(credential.credentialSubject.id)}, not about this holder ${holder.did}`);
  }
  if (!entitled(core, verdict.typed, issuer)) {
    throw new TrustError('UntrustedIssuer', `${field}: ${issuer} is not entitled to issue ${verdict.typed?.type ?? credential.type.join(', ')} to ${holder.did} (not its anchor, the granting party, or a trusted issuer)`);
  }
}
