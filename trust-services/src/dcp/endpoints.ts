// Finding a party's DCP endpoints from its DID document (DCP §5.3, §6.2): the `service` entry of type
// CredentialService (a holder's wallet) or IssuerService (an issuer).
import { TrustError, type DidDocument } from '@musubi/core/trust';

export function serviceEndpoint(document: DidDocument, type: 'CredentialService' | 'IssuerService'): string {
  for (const service of document.service ?? []) {
    const types = Array.isArray(service.type) ? service.type : [service.type];
    if (!types.includes(type)) continue;
    const endpoint = Array.isArray(service.serviceEndpoint) ? service.serviceEndpoint[0] : service.serviceEndpoint;
    if (typeof endpoint === 'string') return endpoint.replace(/\/+$/, '');
  }
  throw new TrustError('DidResolutionFailed', `the DID document of ${document.id} has no ${type} service entry; the party cannot be reached over DCP`);
}
