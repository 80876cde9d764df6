// The parts of the W3C VC Data Model 2.0 every securing format shares: the shape of a credential and a
// presentation, who issued it, and when it is valid.
import { TrustError } from './errors.js';
import { assertWithinValidity, parseDateTime } from './time.js';

export const CREDENTIALS_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export { MUSUBI_CREDENTIALS_CONTEXT_URL as MUSUBI_CREDENTIALS_CONTEXT } from './contexts/musubi-credentials-v1.js';

export interface StatusEntry {
  id?: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: 'revocation' | 'suspension' | string;
  statusListIndex: string;
  statusListCredential: string;
}

export interface Credential {
  '@context': string[];
  id?: string;
  type: string[];
  issuer: string | { id: string; [property: string]: unknown };
  validFrom?: string;
  validUntil?: string;
  credentialSubject: Record<string, unknown>;
  credentialStatus?: StatusEntry | StatusEntry[];
  [property: string]: unknown;
}

export interface Presentation {
  '@context': string[];
  id?: string;
  type: string[];
  holder?: string;
  verifiableCredential?: unknown[];
  [property: string]: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typesOf(value: unknown, what: string): string[] {
  const types = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(types) || types.some((t) => typeof t !== 'string')) throw new TrustError('MalformedInput', `${what}.type must be a string or a list of strings`);
  return types as string[];
}

/** Check the VCDM 2.0 shape of a credential; MalformedInput naming the field otherwise. */
export function parseCredential(value: unknown, what = 'credential'): Credential {
  if (!isObject(value)) throw new TrustError('MalformedInput', `${what} must be a JSON object`);
  const context = value['@context'];
  if (!Array.isArray(context) || context[0] !== CREDENTIALS_V2_CONTEXT) {
    throw new TrustError('MalformedInput', `${what}.@context must be a list starting with "${CREDENTIALS_V2_CONTEXT}" (VC Data Model 2.0)`);
  }
  const type = typesOf(value.type, what);
  if (!type.includes('VerifiableCredential')) throw new TrustError('MalformedInput', `${what}.type must include "VerifiableCredential"`);
  const issuer = value.issuer;
  const issuerId = typeof issuer === 'string' ? issuer : isObject(issuer) ? issuer.id : undefined;
  if (typeof issuerId !== 'string' || !issuerId.startsWith('did:')) throw new TrustError('MalformedInput', `${what}.issuer must be a DID (or an object whose id is a DID)`);
  if (!isObject(value.credentialSubject)) {
    throw new TrustError('MalformedInput', `${what}.credentialSubject must be one JSON object (Musubi credentials have a single subject)`);
  }
  if (value.id !== undefined && typeof value.id !== 'string') throw new TrustError('MalformedInput', `${what}.id must be a string`);
  if (value.validFrom !== undefined) parseDateTime(value.validFrom, `${what}.validFrom`);
  if (value.validUntil !== undefined) parseDateTime(value.validUntil, `${what}.validUntil`);
  return { ...value, type } as Credential;
}

export function parsePresentation(value: unknown, what = 'presentation'): Presentation {
  if (!isObject(value)) throw new TrustError('MalformedInput', `${what} must be a JSON object`);
  const context = value['@context'];
  if (!Array.isArray(context) || context[0] !== CREDENTIALS_V2_CONTEXT) {
    throw new TrustError('MalformedInput', `${what}.@context must be a list starting with "${CREDENTIALS_V2_CONTEXT}"`);
  }
  const type = typesOf(value.type, what);
  if (!type.includes('VerifiablePresentation')) throw new TrustError('MalformedInput', `${what}.type must include "VerifiablePresentation"`);
  if (value.holder !== undefined && typeof value.holder !== 'string') throw new TrustError('MalformedInput', `${what}.holder must be a DID string`);
  if (value.verifiableCredential !== undefined && !Array.isArray(value.verifiableCredential)) {
    throw new TrustError('MalformedInput', `${what}.verifiableCredential must be a list`);
  }
  return { ...value, type } as Presentation;
}

export function issuerOf(credential: Credential): string {
  return typeof credential.issuer === 'string' ? credential.issuer : credential.issuer.id;
}

export function subjectIdOf(credential: Credential): string | undefined {
  const id = credential.credentialSubject.id;
  return typeof id === 'string' ? id : undefined;
}

export function describeCredential(credential: Credential): string {
  const type = credential.type.find((t) => t !== 'VerifiableCredential') ?? 'VerifiableCredential';
  return `${type}${credential.id ? ` ${credential.id}` : ''} from ${issuerOf(credential)}`;
}

/** Expired / NotYetValid unless `now` lies within validFrom..validUntil (widened by the skew). */
export function assertCredentialTimely(credential: Credential, now: Date, skewSeconds?: number): void {
  assertWithinValidity(
    `credential ${describeCredential(credential)}`,
    {
      validFrom: credential.validFrom ? new Date(credential.validFrom) : undefined,
      validUntil: credential.validUntil ? new Date(credential.validUntil) : undefined,
    },
    now,
    skewSeconds,
  );
}
