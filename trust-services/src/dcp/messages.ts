// The Decentralized Claims Protocol v1.0 messages the issuer and wallet exchange, as zod schemas, so a
// malformed message is refused with the field that is wrong.
import { z } from 'zod';
import { IdentifierInput, countryCode } from '../config/common.js';

export const DCP_CONTEXT = 'https://w3id.org/dspace-dcp/v1.0/dcp.jsonld';
/** Scope alias for "read credentials of this type" (DCP §5.4.1.2); an optional ":read" suffix is accepted. */
export const VC_TYPE_SCOPE = 'org.eclipse.dspace.dcp.vc.type';
export const VC_ID_SCOPE = 'org.eclipse.dspace.dcp.vc.id';

const dcpContext = z
  .union([z.string(), z.array(z.unknown())])
  .refine((value) => (Array.isArray(value) ? value : [value]).includes(DCP_CONTEXT), { message: `must include "${DCP_CONTEXT}"` });

/** Musubi's extension of the request: the company facts the anchor checks against its registry. */
export const LegalPersonClaimsSchema = z.strictObject({
  legalName: z.string().min(1).max(256),
  country: countryCode,
  identifiers: z.array(IdentifierInput.extend({ scheme: z.string().min(1).max(64) })).min(1).max(8),
});

export const CredentialRequestMessage = z.object({
  '@context': dcpContext,
  type: z.literal('CredentialRequestMessage'),
  holderPid: z.string().min(1).max(256),
  credentials: z.array(z.object({ id: z.string().min(1).max(256) })).min(1).max(8),
  claims: LegalPersonClaimsSchema.optional(),
});
export type CredentialRequestMessage = z.infer<typeof CredentialRequestMessage>;

export const CredentialContainer = z.object({
  credentialType: z.string().min(1).max(256),
  payload: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  format: z.string().min(1).max(64),
});

export const CredentialMessage = z.object({
  '@context': dcpContext,
  type: z.literal('CredentialMessage'),
  issuerPid: z.string().min(1).max(256),
  holderPid: z.string().max(256).optional(),
  status: z.enum(['ISSUED', 'REJECTED']),
  credentials: z.array(CredentialContainer).max(16).default([]),
  rejectionReason: z.string().max(1024).nullable().optional(),
});
export type CredentialMessage = z.infer<typeof CredentialMessage>;

export const CredentialOfferMessage = z.object({
  '@context': dcpContext,
  type: z.literal('CredentialOfferMessage'),
  issuer: z.string().min(1).max(2048),
  credentials: z
    .array(z.object({ id: z.string().min(1).max(256), type: z.string().optional(), credentialType: z.string().max(256).optional() }).passthrough())
    .min(1)
    .max(16),
});
export type CredentialOfferMessage = z.infer<typeof CredentialOfferMessage>;

export const CredentialStatusMessage = z.object({
  '@context': dcpContext,
  type: z.literal('CredentialStatus'),
  issuerPid: z.string(),
  holderPid: z.string(),
  status: z.enum(['RECEIVED', 'REJECTED', 'ISSUED']),
});

export const PresentationQueryMessage = z.object({
  '@context': dcpContext,
  type: z.literal('PresentationQueryMessage'),
  scope: z.array(z.string().min(1).max(512)).max(32).optional(),
  presentationDefinition: z.record(z.string(), z.unknown()).optional(),
  /** Musubi extension: the verifier's challenge, bound into the vp+jwt's nonce. */
  nonce: z.string().min(1).max(256).optional(),
});

export const PresentationResponseMessage = z.object({
  '@context': dcpContext,
  type: z.literal('PresentationResponseMessage'),
  presentation: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])),
});

export interface Scope {
  kind: 'type' | 'id';
  value: string;
}

/** `org.eclipse.dspace.dcp.vc.type:LegalPersonCredential[:read]` → {kind: 'type', value}; undefined for other aliases. */
export function parseScope(scope: string): Scope | undefined {
  for (const [alias, kind] of [[VC_TYPE_SCOPE, 'type'], [VC_ID_SCOPE, 'id']] as const) {
    if (!scope.startsWith(`${alias}:`)) continue;
    let value = scope.slice(alias.length + 1);
    if (kind === 'type' && value.endsWith(':read')) value = value.slice(0, -':read'.length);
    if (value.length > 0) return { kind, value };
  }
  return undefined;
}

export function typeScope(type: string): string {
  return `${VC_TYPE_SCOPE}:${type}:read`;
}
