import { z } from 'zod';
import { IDENTIFIER_SCHEMES } from '@musubi/core/identifiers';
import { CREDENTIAL_TYPES, RELATIONSHIP_TYPES } from '@musubi/core/vocabulary';
import { ObjectReference, ResourceRequirements, countryCode, didWeb, dnsLabel, duration, httpsUrl, immutable, customResource, statusBase } from './common.js';

export const Identifier = z
  .strictObject({
    scheme: z.enum(IDENTIFIER_SCHEMES).describe('Identifier scheme: jp-corporate-number (法人番号), eu-vat, lei or eori.'),
    value: z.string().min(1).max(64).describe('The identifier, e.g. "1180301018771" or "DE129273398"; check digits are verified.'),
  })
  .describe('A company identifier the trust anchor verifies.');

export const Member = z
  .strictObject({
    id: dnsLabel('Stable id of the employee inside the company, unique in the list; part of the employee DID.'),
    displayName: z.string().max(256).optional().describe('Name shown in the employee credential.'),
    roles: z.array(z.string().min(1).max(63).regex(/^[a-zA-Z][a-zA-Z0-9-]*$/, { message: 'must start with a letter and contain only letters, digits and "-"' }))
      .min(1).max(16).meta({ 'x-kubernetes-list-type': 'set' })
      .describe('Roles the employee acts in, e.g. purchaser, sustainability-officer; policies can require them (memberRole).'),
  })
  .describe('An employee who gets an individual credential chained to the company credential.');

export const Relationship = z
  .strictObject({
    type: z.enum(RELATIONSHIP_TYPES).describe('Relationship granted: the subject is <type> this participant, e.g. recyclerOf.'),
    participantRef: ObjectReference.optional().describe('The subject, a Participant in this cluster.'),
    did: didWeb('The subject, by DID, when it is not managed by this cluster.').optional(),
    validity: duration('Validity of the relationship credential.').default('8760h'),
  })
  .meta({ 'x-kubernetes-validations': [{ rule: 'has(self.participantRef) != has(self.did)', message: 'set exactly one of participantRef or did for the relationship subject' }] })
  .describe('A relationship this participant grants another (ReBAC); issued as a RelationshipCredential signed by this participant.');

export const Tenant = z
  .strictObject({
    mode: z.enum(['Existing', 'Managed']).default('Existing')
      .describe('Existing: workloads run in the Participant\'s own namespace. Managed: the operator creates and isolates a namespace for an SME.')
      .meta({ 'x-kubernetes-validations': [immutable('tenant.mode')] }),
    namespace: dnsLabel('Name of the managed namespace; defaults to "musubi-<participant name>".').optional()
      .meta({ 'x-kubernetes-validations': [immutable('tenant.namespace')] }),
    adminGroups: z.array(z.string().min(1).max(253)).max(8).optional()
      .describe('Groups (from the cluster\'s authenticator) granted edit rights in the managed namespace.'),
    quota: z.strictObject({
      cpu: z.string().max(32).default('4').describe('Total CPU requests allowed in the tenant.'),
      memory: z.string().max(32).default('8Gi').describe('Total memory requests allowed in the tenant.'),
      pods: z.number().int().min(1).max(1000).default(20).describe('Maximum pods in the tenant.'),
    }).optional().describe('ResourceQuota of the managed namespace.'),
  })
  .meta({ 'x-kubernetes-validations': [{ rule: "self.mode == 'Managed' || (!has(self.namespace) && !has(self.quota) && !has(self.adminGroups))", message: 'namespace, quota and adminGroups apply only to tenant.mode Managed' }] })
  .describe('Where the participant\'s workloads run.');

export const ParticipantSpec = z
  .strictObject({
    legalName: z.string().min(1).max(256).describe('Registered legal name of the company, as in the registry.'),
    country: countryCode('Country of registration (ISO 3166-1 alpha-2).'),
    identifiers: z.array(Identifier).min(1).max(8)
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['scheme'] })
      .describe('Identifiers the trust anchor verifies; one per scheme.'),
    trustAnchorRef: ObjectReference.describe('The TrustAnchor that vouches for this participant.'),
    tenant: Tenant.optional(),
    members: z.array(Member).max(256).optional()
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['id'] })
      .describe('Employees who get credentials chained to the company credential.'),
    relationships: z.array(Relationship).max(128).optional().describe('Relationships this participant grants to others.'),
    wallet: z
      .strictObject({
        publicURL: httpsUrl('Base URL where the wallet is reachable; the participant DID is did:web of this URL.').optional(),
        resources: ResourceRequirements.optional(),
      })
      .optional()
      .describe('The managed identity wallet.'),
    credentialRenewBefore: duration('Renew credentials this long before they expire.').default('720h'),
    requestedCredentials: z.array(z.enum(CREDENTIAL_TYPES)).max(4).default(['LegalPersonCredential', 'DataspaceMembershipCredential'])
      .meta({ 'x-kubernetes-list-type': 'set' })
      .describe('Credentials the wallet requests from the trust anchor.'),
  })
  .describe('ParticipantSpec: a company taking part in the dataspace.');

export const HeldCredential = z
  .strictObject({
    id: z.string().describe('Credential id (URN).'),
    type: z.string().describe('Credential type.'),
    issuer: z.string().describe('Issuer DID.'),
    holder: z.string().optional().describe('Holder DID when it is not the participant (employees).'),
    expiresAt: z.string().describe('validUntil of the credential.').meta({ format: 'date-time' }),
    state: z.enum(['Active', 'Revoked', 'Suspended', 'Expired']).describe('Lifecycle state.'),
  })
  .describe('A credential held by the participant or one of its members.');

export const ParticipantStatus = z
  .strictObject({
    ...statusBase,
    did: z.string().optional().describe('The participant\'s DID.'),
    walletEndpoint: z.string().optional().describe('In-cluster URL of the wallet.'),
    tenantNamespace: z.string().optional().describe('Namespace the participant\'s workloads run in.'),
    credentials: z.array(HeldCredential).max(512).optional().describe('Credentials with id, type, issuer and expiry.'),
  })
  .describe('Observed state of the Participant.');

export const Participant = customResource('Participant', ParticipantSpec, ParticipantStatus, 'Participant is a company in the dataspace: its verified identity, wallet, employees and relationships.');

export type Participant = z.infer<typeof Participant>;
export type ParticipantSpec = z.infer<typeof ParticipantSpec>;
export type ParticipantStatus = z.infer<typeof ParticipantStatus>;
