// Names shared by the API (CRDs), the trust services and the connector. One list each, imported
// everywhere, so a credential type or relationship added here is known to every component at once.

/** Verifiable Credential types Musubi issues and verifies. */
export const CREDENTIAL_TYPES = [
  'LegalPersonCredential',
  'DataspaceMembershipCredential',
  'EmployeeCredential',
  'RelationshipCredential',
] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

/** Relationship types (ReBAC) a participant can grant another; read "subject is <type> grantor". */
export const RELATIONSHIP_TYPES = ['supplierOf', 'customerOf', 'recyclerOf', 'maintenancePartnerOf', 'logisticsPartnerOf', 'subsidiaryOf'] as const;
export type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];

/** Signing key algorithms, by the names Kubernetes users see; JOSE `alg` in parentheses. */
export const KEY_ALGORITHMS = ['Ed25519', 'P-256', 'secp256k1'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];
export const JOSE_ALG: Record<KeyAlgorithm, 'EdDSA' | 'ES256' | 'ES256K'> = { Ed25519: 'EdDSA', 'P-256': 'ES256', secp256k1: 'ES256K' };

/** Credential securing formats. */
export const CREDENTIAL_FORMATS = ['vc+jwt', 'eddsa-rdfc-2022'] as const;
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number];

/** Trust frameworks an anchor can implement; each has one verification back end in the issuer. */
export const TRUST_FRAMEWORKS = ['Japan', 'EU', 'GaiaX', 'Custom'] as const;
export type TrustFramework = (typeof TRUST_FRAMEWORKS)[number];

/** ODRL actions Musubi policies can grant or prohibit. */
export const POLICY_ACTIONS = ['use', 'transfer', 'distribute', 'read', 'modify', 'delete'] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];
