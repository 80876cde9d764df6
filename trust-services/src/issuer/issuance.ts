// Signing credentials: the unsigned credential is checked against the VC Data Model and JSON-LD first,
// then it gets its revocation and suspension entries, is secured in the configured format, recorded in
// the index (so it can be revoked by id) and counted.
import {
  CREDENTIALS_V2_CONTEXT, ENVELOPED_VC_JWT_PREFIX, issueCredentialDataIntegrity, issueCredentialJwt, subjectIdOf,
  type Clock, type Credential, type DocumentLoader, type KeyPair, type SecuredCredential,
} from '@musubi/core/trust';
import type { CredentialFormat } from '@musubi/core/vocabulary';
import type { ServiceMetrics } from '../http/metrics.js';
import type { StatusRegistry } from '../status/status-registry.js';
import { assertCredentialDataModel, assertJsonLd } from '../vcdm/index.js';
import type { CredentialIndex } from './credential-index.js';

export type IssuedCredential =
  | { format: 'vc+jwt'; credential: Credential; jwt: string }
  | { format: 'eddsa-rdfc-2022'; credential: Credential; secured: SecuredCredential };

/** The DCP profile alias of a format, as credential containers and issuer metadata name it. */
export const PROFILE_OF: Record<CredentialFormat, string> = { 'vc+jwt': 'vc20-bssl/jwt', 'eddsa-rdfc-2022': 'vc20-bssl/eddsa-rdfc-2022' };

/** What VC-API returns: the Data Integrity credential itself, or the vc+jwt as an EnvelopedVerifiableCredential. */
export function apiForm(issued: IssuedCredential): Record<string, unknown> {
  if (issued.format === 'eddsa-rdfc-2022') return issued.secured;
  return { '@context': [CREDENTIALS_V2_CONTEXT], id: `${ENVELOPED_VC_JWT_PREFIX}${issued.jwt}`, type: 'EnvelopedVerifiableCredential' };
}

/** The DCP credential container payload: the JWT text, or the Data Integrity object. */
export function payloadOf(issued: IssuedCredential): string | Record<string, unknown> {
  return issued.format === 'vc+jwt' ? issued.jwt : issued.secured;
}

/** The most specific type of a credential: its Musubi type, or the last type listed. */
export function primaryType(credential: Credential): string {
  return credential.type.filter((t) => t !== 'VerifiableCredential').at(-1) ?? 'VerifiableCredential';
}

export class CredentialSigner {
  constructor(
    private readonly options: {
      did: string;
      key: KeyPair;
      status: StatusRegistry;
      index: CredentialIndex;
      metrics: ServiceMetrics;
      clock: Clock;
      documentLoader: DocumentLoader;
    },
  ) {}

  async issue(unsigned: Credential, format: CredentialFormat): Promise<IssuedCredential> {
    assertCredentialDataModel(unsigned, 'credential');
    await assertJsonLd(unsigned, 'credential', this.options.documentLoader);
    const status = await this.options.status.allocate();
    const credential: Credential = { ...unsigned, credentialStatus: status };
    const issued: IssuedCredential =
      format === 'vc+jwt'
        ? { format, credential, jwt: await issueCredentialJwt(credential, this.options.key) }
        : { format, credential, secured: await issueCredentialDataIntegrity(credential, this.options.key, { clock: this.options.clock, documentLoader: this.options.documentLoader }) };
    const type = primaryType(credential);
    const subject = subjectIdOf(credential);
    this.options.index.add({
      id: credential.id as string,
      type,
      ...(subject ? { subject } : {}),
      format,
      issuedAt: this.options.clock().toISOString(),
      ...(credential.validUntil ? { validUntil: credential.validUntil } : {}),
      status: status.map((s) => ({ statusPurpose: s.statusPurpose, statusListCredential: s.statusListCredential, statusListIndex: s.statusListIndex })),
    });
    this.options.metrics.credentialsIssued.inc({ type, format });
    return issued;
  }
}
