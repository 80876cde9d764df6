// The credential types an anchor offers, and how each is built: a LegalPersonCredential only from facts
// the registry confirmed, a DataspaceMembershipCredential for a verified company, both valid for the
// configured period and secured in the configured format.
import { buildDataspaceMembershipCredential, buildLegalPersonCredential, type Credential } from '@musubi/core/trust';
import type { CredentialFormat, CredentialType } from '@musubi/core/vocabulary';
import { HttpProblem } from '../http/problem.js';
import type { IssuerCore } from './core.js';
import { verifyLegalPerson, type LegalPersonClaims } from './identity-check.js';
import { PROFILE_OF, type IssuedCredential } from './issuance.js';

export interface Offer {
  type: CredentialType;
  validityMs: number;
  format: CredentialFormat;
}

export function offerOf(core: IssuerCore, type: string, field: string): Offer {
  const offer = core.config.credentials.find((c) => c.type === type);
  if (!offer) {
    throw new HttpProblem(422, 'CredentialTypeNotOffered', `${field}: this anchor does not issue ${type}; it issues ${core.config.credentials.map((c) => c.type).join(', ')}`, field);
  }
  return { type: offer.type, validityMs: offer.validitySeconds * 1000, format: offer.format };
}

/** DCP IssuerMetadata (§6.7): one CredentialObject per offered type, with every optional member. */
export function issuerMetadata(core: IssuerCore): Record<string, unknown> {
  return {
    '@context': ['https://w3id.org/dspace-dcp/v1.0/dcp.jsonld'],
    type: 'IssuerMetadata',
    issuer: core.did,
    credentialsSupported: core.config.credentials.map((offer) => ({
      id: offer.type,
      type: 'CredentialObject',
      credentialType: offer.type,
      offerReason: 'reissue',
      credentialSchema: `${core.baseUrl}/schemas/${offer.type}`,
      bindingMethods: ['did:web'],
      profile: PROFILE_OF[offer.format],
      issuancePolicy: {
        id: `${offer.type}-issuance`,
        purpose:
          offer.type === 'LegalPersonCredential'
            ? `identifiers (${core.schemes.join(', ')}) are checked against ${core.registry.name}`
            : 'issued to companies whose identity this anchor verified',
        input_descriptors: [],
      },
    })),
  };
}

export interface OfferInput {
  holder: string;
  claims?: LegalPersonClaims;
  /** Where the claims came from in the request, for error messages. */
  claimsField: string;
  id?: string;
  /** An earlier end than the configured validity, when the requester asks for one. */
  validUntil?: Date;
}

export async function issueOffer(core: IssuerCore, offer: Offer, input: OfferInput): Promise<IssuedCredential> {
  const now = core.clock();
  const configuredEnd = new Date(now.getTime() + offer.validityMs);
  const validUntil = input.validUntil && input.validUntil < configuredEnd ? input.validUntil : configuredEnd;
  const envelope = { issuer: core.did, validFrom: now, validUntil, ...(input.id ? { id: input.id } : {}) };
  let credential: Credential;
  switch (offer.type) {
    case 'LegalPersonCredential': {
      if (!input.claims) throw new HttpProblem(400, 'MalformedInput', `${input.claimsField} is required for a LegalPersonCredential: give legalName, country and identifiers`, input.claimsField);
      const verified = await verifyLegalPerson(input.claims, { registry: core.registry, schemes: core.schemes, now, field: input.claimsField });
      credential = buildLegalPersonCredential({ ...envelope, subject: { id: input.holder, ...verified } });
      break;
    }
    case 'DataspaceMembershipCredential':
      credential = buildDataspaceMembershipCredential({ ...envelope, subject: { id: input.holder, dataspace: core.config.anchor.dataspace, since: now.toISOString() } });
      break;
    default:
      throw new HttpProblem(422, 'CredentialTypeNotOffered', `${offer.type} is issued by participants' wallets, not by an anchor`);
  }
  return core.signer.issue(credential, offer.format);
}

/** Whether `holder` has a LegalPersonCredential from this anchor that is live now. */
export function hasLiveLegalPerson(core: IssuerCore, holder: string): boolean {
  const now = core.clock().getTime();
  return core.index.find('LegalPersonCredential', holder).some((record) => {
    if (record.validUntil && new Date(record.validUntil).getTime() <= now) return false;
    return !record.status.some((position) => core.status.isSet(position));
  });
}
