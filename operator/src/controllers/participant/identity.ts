import { didWebFromUrl } from '@musubi/core/trust';
import type { Participant } from '../../api/v1alpha1/index.js';
import { childName, serviceHost } from '../shared/names.js';

// Where a Participant's workloads run and who it is: facts derived from its spec alone, so the
// Participant and Connector controllers compute them the same way without reading each other's status.

type ParticipantLike = { metadata: { name: string; namespace?: string }; spec: Pick<Participant['spec'], 'tenant' | 'wallet'> };

export const WALLET_PORT = 8080;

/** The namespace of the wallet and connectors: the managed tenant namespace, or the Participant's own. */
export function workloadNamespaceOf(participant: ParticipantLike): string {
  const tenant = participant.spec.tenant;
  if (tenant?.mode === 'Managed') return tenant.namespace ?? `musubi-${participant.metadata.name}`.slice(0, 63).replace(/-+$/, '');
  return participant.metadata.namespace ?? 'default';
}

export function isManagedTenant(participant: ParticipantLike): boolean {
  return participant.spec.tenant?.mode === 'Managed';
}

export function walletName(participantName: string): string {
  return childName(participantName, 'wallet');
}

/** In-cluster URL of the wallet Service. */
export function walletEndpoint(participant: ParticipantLike, clusterDomain: string): string {
  return `http://${serviceHost(walletName(participant.metadata.name), workloadNamespaceOf(participant), clusterDomain)}:${WALLET_PORT}`;
}

/** did:web of spec.wallet.publicURL, or of the wallet's in-cluster HTTPS name when none is given. */
export function participantDid(participant: ParticipantLike, clusterDomain: string): string {
  const base = participant.spec.wallet?.publicURL ?? `https://${serviceHost(walletName(participant.metadata.name), workloadNamespaceOf(participant), clusterDomain)}`;
  return didWebFromUrl(base);
}

/** DID of a member (employee): a path below the company DID, served by the company's wallet. */
export function memberDid(companyDid: string, memberId: string): string {
  return `${companyDid}:members:${memberId}`;
}
