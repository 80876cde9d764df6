// Musubi's credential types: the zod schema of each credentialSubject and a builder for the unsigned
// credential. Builders validate what they are given (identifiers with their check digits), so an issuer
// cannot sign a credential that verifiers would refuse.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { iso6523Identifier, isIdentifierScheme, validateIdentifier } from '../identifiers/index.js';
import { CREDENTIAL_TYPES, type CredentialType } from '../vocabulary/index.js';
import { TrustError } from './errors.js';
import { CREDENTIALS_V2_CONTEXT, MUSUBI_CREDENTIALS_CONTEXT, parseCredential, type Credential, type StatusEntry } from './credential.js';

const did = z.string().regex(/^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$/, { message: 'must be a DID such as did:web:example.com' }).max(2048);
const dateTime = z.iso.datetime({ offset: true, message: 'must be a date-time with a time zone, e.g. 2026-01-31T09:00:00Z' });

export const IdentifierClaim = z.object({
  scheme: z.string().min(1).max(64).describe('Identifier scheme, e.g. jp-corporate-number, eu-vat, lei, eori.'),
  value: z.string().min(1).max(64).describe('The identifier as registered.'),
  iso6523: z.string().regex(/^\d{4}:\S{1,64}$/, { message: 'must be <ICD>:<value>, e.g. 0188:1180301018771' }).optional()
    .describe('ISO 6523 form <ICD>:<value>.'),
});
export type IdentifierClaim = z.infer<typeof IdentifierClaim>;

export const LegalPersonSubject = z.object({
  id: did,
  legalName: z.string().min(1).max(256),
  country: z.string().regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code such as JP' }),
  identifiers: z.array(IdentifierClaim).min(1).max(8),
  verification: z.object({
    dataSource: z.string().min(1).max(256).describe('The registry the anchor checked, e.g. "National Tax Agency corporate number registry".'),
    checkedAt: dateTime,
  }),
});
export type LegalPersonSubject = z.infer<typeof LegalPersonSubject>;

export const DataspaceMembershipSubject = z.object({
  id: did,
  dataspace: z.string().min(1).max(256),
  since: dateTime,
});
export type DataspaceMembershipSubject = z.infer<typeof DataspaceMembershipSubject>;

export const EmployeeSubject = z.object({
  id: did.describe('The employee\'s DID (the holder).'),
  employer: did.describe('The company\'s DID; it issues this credential.'),
  employerCredential: z.string().min(1).max(512).describe('id of the company\'s LegalPersonCredential.'),
  roles: z.array(z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, { message: 'must be a lower-case role name such as purchaser' })).max(16),
  displayName: z.string().max(256).optional(),
});
export type EmployeeSubject = z.infer<typeof EmployeeSubject>;

export const RelationshipSubject = z
  .object({
    id: did.describe('The party the relationship is granted to (the holder).'),
    relationship: z.object({
      type: z.string().regex(/^[a-z][A-Za-z0-9]{0,63}$/, { message: 'must be a relationship name such as recyclerOf' }),
      subject: did,
      object: did,
    }),
  })
  .refine((s) => s.relationship.subject === s.id, { message: 'relationship.subject must be the credential subject id', path: ['relationship', 'subject'] });
export type RelationshipSubject = z.infer<typeof RelationshipSubject>;

export const SUBJECT_SCHEMAS = {
  LegalPersonCredential: LegalPersonSubject,
  DataspaceMembershipCredential: DataspaceMembershipSubject,
  EmployeeCredential: EmployeeSubject,
  RelationshipCredential: RelationshipSubject,
} as const satisfies Record<CredentialType, z.ZodType>;

export type SubjectOf<T extends CredentialType> = z.infer<(typeof SUBJECT_SCHEMAS)[T]>;

export type TypedCredential =
  | { type: 'LegalPersonCredential'; subject: LegalPersonSubject }
  | { type: 'DataspaceMembershipCredential'; subject: DataspaceMembershipSubject }
  | { type: 'EmployeeCredential'; subject: EmployeeSubject }
  | { type: 'RelationshipCredential'; subject: RelationshipSubject };

/** The Musubi credential type of a credential, or undefined for other types. */
export function musubiTypeOf(credential: Credential): CredentialType | undefined {
  const types = CREDENTIAL_TYPES.filter((t) => credential.type.includes(t));
  if (types.length > 1) throw new TrustError('InvalidCredentialSubject', `credential ${credential.id ?? ''} claims several Musubi types (${types.join(', ')}); a credential has one`);
  return types[0];
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `credentialSubject${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${issue.message}`).join('; ');
}

/** Validate the subject of a Musubi credential against its type's schema; InvalidCredentialSubject naming the field otherwise. */
export function parseTypedCredential(credential: Credential): TypedCredential | undefined {
  const type = musubiTypeOf(credential);
  if (!type) return undefined;
  const result = SUBJECT_SCHEMAS[type].safeParse(credential.credentialSubject);
  if (!result.success) throw new TrustError('InvalidCredentialSubject', `${type} ${credential.id ?? ''}: ${formatIssues(result.error)}`);
  if (!credential['@context'].includes(MUSUBI_CREDENTIALS_CONTEXT)) {
    throw new TrustError('InvalidCredentialSubject', `${type} ${credential.id ?? ''} must use the context ${MUSUBI_CREDENTIALS_CONTEXT}`);
  }
  return { type, subject: result.data } as TypedCredential;
}

/** Check each identifier (scheme known, check digits right, iso6523 consistent); returns them with iso6523 filled in. */
export function validateIdentifierClaims(identifiers: readonly IdentifierClaim[], where = 'credentialSubject.identifiers'): IdentifierClaim[] {
  return identifiers.map((claim, i) => {
    if (!isIdentifierScheme(claim.scheme)) {
      throw new TrustError('InvalidCredentialSubject', `${where}[${i}].scheme "${claim.scheme}" is not a Musubi identifier scheme (jp-corporate-number, eu-vat, lei, eori)`);
    }
    const check = validateIdentifier(claim.scheme, claim.value);
    if (!check.valid) throw new TrustError('InvalidCredentialSubject', `${where}[${i}]: ${check.message}`);
    const iso6523 = iso6523Identifier(check);
    if (claim.iso6523 !== undefined && claim.iso6523 !== iso6523) {
      throw new TrustError('InvalidCredentialSubject', `${where}[${i}].iso6523 is ${claim.iso6523} but ${claim.scheme} ${check.normalized} is ${iso6523 ?? 'not registered under ISO 6523'}`);
    }
    return { scheme: claim.scheme, value: check.normalized, ...(iso6523 ? { iso6523 } : {}) };
  });
}

export interface CredentialEnvelopeInput {
  issuer: string;
  validFrom: Date;
  validUntil?: Date;
  /** Defaults to a fresh urn:uuid. */
  id?: string;
  credentialStatus?: StatusEntry[];
}

function envelope<T extends CredentialType>(type: T, input: CredentialEnvelopeInput, subject: SubjectOf<T>): Credential {
  const parsed = SUBJECT_SCHEMAS[type].safeParse(subject);
  if (!parsed.success) throw new TrustError('InvalidCredentialSubject', `${type}: ${formatIssues(parsed.error)}`);
  if (input.validUntil && input.validUntil <= input.validFrom) throw new TrustError('MalformedInput', `${type}: validUntil must be after validFrom`);
  return parseCredential({
    '@context': [CREDENTIALS_V2_CONTEXT, MUSUBI_CREDENTIALS_CONTEXT],
    id: input.id ?? `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', type],
    issuer: input.issuer,
    validFrom: input.validFrom.toISOString(),
    ...(input.validUntil ? { validUntil: input.validUntil.toISOString() } : {}),
    credentialSubject: parsed.data as Record<string, unknown>,
    ...(input.credentialStatus?.length ? { credentialStatus: input.credentialStatus.length === 1 ? input.credentialStatus[0] : input.credentialStatus } : {}),
  });
}

/** Issued by a trust anchor after it checked the identifiers against its trusted data source. */
export function buildLegalPersonCredential(input: CredentialEnvelopeInput & { subject: LegalPersonSubject }): Credential {
  const subject = { ...input.subject, identifiers: validateIdentifierClaims(input.subject.identifiers) };
  return envelope('LegalPersonCredential', input, subject);
}

/** Issued by the dataspace's anchor to a member company. */
export function buildDataspaceMembershipCredential(input: CredentialEnvelopeInput & { subject: DataspaceMembershipSubject }): Credential {
  return envelope('DataspaceMembershipCredential', input, input.subject);
}

/**
 * Issued by the company (its wallet, with the company's key) to an employee's DID, naming the company's
 * LegalPersonCredential: the employee is trusted as far as the company is (gBizID Prime → member).
 */
export function buildEmployeeCredential(input: CredentialEnvelopeInput & { subject: Omit<EmployeeSubject, 'employer'> }): Credential {
  return envelope('EmployeeCredential', input, { ...input.subject, employer: input.issuer });
}

/** Issued by the grantor (input.issuer): `subject` is `<type>` the grantor, e.g. a recycler of it. */
export function buildRelationshipCredential(input: CredentialEnvelopeInput & { type: string; subject: string }): Credential {
  return envelope('RelationshipCredential', input, {
    id: input.subject,
    relationship: { type: input.type, subject: input.subject, object: input.issuer },
  });
}
