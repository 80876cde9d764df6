// Answering a verifier's presentation query: only credentials the query asks for (by type or id scope)
// AND the holder granted this verifier in its access token; live ones only (not expired, not revoked or
// suspended as far as the status lists say); vc+jwt credentials in one vp+jwt bound to the verifier
// (aud) and its challenge (nonce), Data Integrity ones in a separate Data Integrity presentation.
import {
  checkCredentialStatus, createPresentationDataIntegrity, createPresentationJwt, isTrustError, type SecuredCredential,
} from '@musubi/core/trust';
import { parseScope, type Scope } from '../dcp/messages.js';
import type { HeldCredential } from './credential-store.js';
import type { WalletCore } from './core.js';
import type { Holder } from './holders.js';

function sameScope(a: Scope, b: Scope): boolean {
  return a.kind === b.kind && a.value === b.value;
}

/** Scopes asked for and granted; unparseable or ungranted scopes are dropped (DCP: fewer entries, not an error). */
export function grantedScopes(requested: string[], granted: string[]): Scope[] {
  const grants = granted.map(parseScope).filter((s): s is Scope => s !== undefined);
  return requested
    .map(parseScope)
    .filter((s): s is Scope => s !== undefined && grants.some((g) => sameScope(g, s)));
}

/** What a holder may present: its own credentials; a member also its employer's company credentials. */
export function presentable(core: WalletCore, holder: Holder): HeldCredential[] {
  const own = core.store.about(holder.did);
  if (!holder.member) return own;
  const company = core.store.about(core.company.did).filter((c) => c.types.includes('LegalPersonCredential') || c.types.includes('DataspaceMembershipCredential'));
  return [...own, ...company];
}

async function isLive(core: WalletCore, held: HeldCredential): Promise<boolean> {
  if (held.validUntil && new Date(held.validUntil).getTime() <= core.clock().getTime()) return false;
  try {
    await checkCredentialStatus(held.credential, core.statusLists);
    return true;
  } catch (error) {
    // Revoked or suspended: never offered. A list that cannot be fetched is the verifier's call.
    return !(isTrustError(error, 'Revoked') || isTrustError(error, 'Suspended'));
  }
}

export async function selectCredentials(core: WalletCore, holder: Holder, scopes: Scope[]): Promise<HeldCredential[]> {
  const candidates = presentable(core, holder);
  const chosen: HeldCredential[] = [];
  for (const scope of scopes) {
    const matching = candidates.filter((c) => (scope.kind === 'type' ? c.types.includes(scope.value) : c.id === scope.value));
    // The newest live credential of a type is enough; presenting superseded ones says nothing more.
    for (const held of matching) {
      if (chosen.includes(held)) break;
      if (await isLive(core, held)) {
        chosen.push(held);
        break;
      }
    }
  }
  return chosen;
}

export async function buildPresentations(core: WalletCore, holder: Holder, credentials: HeldCredential[], verifier: string, nonce: string): Promise<(string | Record<string, unknown>)[]> {
  const presentations: (string | Record<string, unknown>)[] = [];
  const jwts = credentials.filter((c) => c.format === 'vc+jwt').map((c) => c.raw as string);
  if (jwts.length > 0) {
    presentations.push(await createPresentationJwt({ holderKey: holder.key, credentials: jwts, audience: verifier, nonce, clock: core.clock }));
  }
  const secured = credentials.filter((c) => c.format === 'eddsa-rdfc-2022').map((c) => c.raw as SecuredCredential);
  if (secured.length > 0) {
    presentations.push(await createPresentationDataIntegrity({ holderKey: holder.key, credentials: secured, challenge: nonce, domain: verifier, clock: core.clock }));
  }
  return presentations;
}
