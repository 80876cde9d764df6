import { z } from 'zod';
import { IDENTIFIER_SCHEMES } from '@musubi/core/identifiers';
import { CREDENTIAL_FORMATS, CREDENTIAL_TYPES, KEY_ALGORITHMS, TRUST_FRAMEWORKS } from '@musubi/core/vocabulary';
import {
  ConfigMapKeySelector, ObjectReference, ResourceRequirements, SecretKeySelector, didWeb, dnsLabel,
  customResource, duration, httpsUrl, immutable, statusBase,
} from './common.js';

const IdentifierScheme = z.enum(IDENTIFIER_SCHEMES).describe('An identifier scheme, e.g. jp-corporate-number, eu-vat, lei, eori.');

export const TrustedDataSource = z
  .strictObject({
    name: z.string().min(1).max(256).describe('Human name of the source recorded in every credential, e.g. "National Tax Agency corporate number registry".'),
    configMap: ConfigMapKeySelector.optional().describe('A registry file in a ConfigMap (YAML or JSON list of {scheme, value, legalName, country}); for local runs and tests.'),
    http: z
      .strictObject({
        url: httpsUrl('Base URL of the registry API; the issuer calls GET <url>/<scheme>/<value>.'),
        credentialsSecretRef: SecretKeySelector.optional().describe('Bearer token for the registry, from a Secret.'),
        caBundleSecretRef: SecretKeySelector.optional().describe('PEM CA bundle to trust for the registry, when it uses a private CA.'),
        timeoutSeconds: z.number().int().min(1).max(60).default(10).describe('Per-request timeout.'),
      })
      .optional()
      .describe('A registry reachable over HTTP(S), e.g. a mirror of the NTA corporate number Web-API or VIES.'),
  })
  .meta({ 'x-kubernetes-validations': [{ rule: 'has(self.configMap) != has(self.http)', message: 'set exactly one of dataSource.configMap or dataSource.http' }] })
  .describe('The trusted data source the anchor checks identifiers against before it issues a credential.');

export const IssuedCredential = z
  .strictObject({
    type: z.enum(CREDENTIAL_TYPES).describe('Credential type the anchor issues.'),
    validity: duration('How long an issued credential is valid, e.g. "8760h".').default('8760h'),
    format: z.enum(CREDENTIAL_FORMATS).default('vc+jwt').describe('Securing format: vc+jwt (JOSE) or eddsa-rdfc-2022 (Data Integrity).'),
  })
  .meta({ 'x-kubernetes-validations': [{ rule: "duration(self.validity) >= duration('1h')", message: 'validity must be at least 1h' }] })
  .describe('A credential type this anchor issues and its validity.');

export const PinnedKey = z
  .strictObject({
    kid: z.string().min(1).max(512).describe('Key id as it appears in the anchor\'s DID document.'),
    kty: z.enum(['OKP', 'EC']).describe('JWK key type.'),
    crv: z.enum(['Ed25519', 'P-256', 'secp256k1']).describe('JWK curve.'),
    x: z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, { message: 'must be base64url without padding' }).describe('JWK x coordinate (base64url).'),
    y: z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, { message: 'must be base64url without padding' }).optional().describe('JWK y coordinate for EC keys (base64url).'),
  })
  .meta({ 'x-kubernetes-validations': [{ rule: "self.kty == 'EC' ? has(self.y) : !has(self.y)", message: 'EC keys need y; OKP keys must not have it' }] })
  .describe('A public key pinned for an external anchor, as a JWK.');

export const AttributeMapping = z
  .strictObject({
    from: IdentifierScheme.describe('Identifier scheme used by the recognised anchor.'),
    to: z.enum(['local', 'vatID', 'leiCode', 'EORI', 'taxID']).describe('Gaia-X registrationNumber property the identifier maps to in this anchor\'s jurisdiction.'),
  })
  .describe('How an identifier scheme of the recognised anchor maps to a registration number property here.');

export const Recognition = z
  .strictObject({
    name: dnsLabel('Short name of this recognition, unique in the list; used in status and logs.'),
    anchorRef: ObjectReference.optional().describe('A TrustAnchor in this cluster.'),
    external: z
      .strictObject({
        did: didWeb('did:web DID of the external anchor.'),
        pinnedKeys: z.array(PinnedKey).min(1).max(8).describe('Public keys the anchor must sign its trust list with; anything else is refused.'),
        trustListURL: httpsUrl('Where the external anchor publishes its signed trust list; defaults to <DID base URL>/trust-list.').optional(),
      })
      .optional()
      .describe('An anchor outside this cluster, identified by did:web with pinned keys.'),
    jurisdiction: z.string().regex(/^([A-Z]{2}|EU)$/, { message: 'must be an ISO 3166-1 alpha-2 code or "EU"' }).optional()
      .describe('Jurisdiction of the recognised anchor; required for external anchors (in-cluster anchors state their own).'),
    attributeMapping: z.array(AttributeMapping).max(16).optional().describe('Identifier scheme mappings applied to credentials from this anchor.'),
    maxStaleness: duration('How old the recognised anchor\'s trust list may become before its credentials are refused, e.g. "24h".').default('24h'),
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: 'has(self.anchorRef) != has(self.external)', message: 'set exactly one of anchorRef (in-cluster) or external (did:web with pinned keys)' },
      { rule: '!has(self.external) || has(self.jurisdiction)', message: 'jurisdiction is required for an external anchor' },
    ],
  })
  .describe('Another trust anchor whose credentials this anchor accepts (mutual recognition).');

export const TrustAnchorSpec = z
  .strictObject({
    framework: z.enum(TRUST_FRAMEWORKS).describe('Trust framework the anchor implements: Japan (corporate number / gBizID), EU (VAT / eIDAS), GaiaX or Custom.')
      .meta({ 'x-kubernetes-validations': [immutable('framework')] }),
    jurisdiction: z.string().regex(/^([A-Z]{2}|EU)$/, { message: 'must be an ISO 3166-1 alpha-2 code such as "JP", or "EU"' })
      .describe('Jurisdiction the anchor vouches for: an ISO 3166-1 alpha-2 code or "EU".')
      .meta({ 'x-kubernetes-validations': [immutable('jurisdiction')] }),
    displayName: z.string().max(256).optional().describe('Human name of the anchor shown in credentials and the trust list.'),
    identifierSchemes: z.array(IdentifierScheme).min(1).max(8)
      .meta({ 'x-kubernetes-list-type': 'set' })
      .describe('Identifier schemes this anchor verifies before issuing.'),
    dataSource: TrustedDataSource,
    credentials: z.array(IssuedCredential).min(1).max(8)
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })
      .describe('Credential types the anchor issues, with their validity and format.'),
    keyAlgorithm: z.enum(KEY_ALGORITHMS).default('Ed25519').describe('Signing key algorithm: Ed25519 (default), P-256 or secp256k1.')
      .meta({ 'x-kubernetes-validations': [immutable('keyAlgorithm')] }),
    publicURL: httpsUrl('Base URL where the issuer is reachable by participants; the anchor\'s DID is did:web of this URL.'),
    recognises: z.array(Recognition).max(32).optional()
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })
      .describe('Other anchors whose credentials this anchor accepts.'),
    trustList: z
      .strictObject({
        validity: duration('How long a signed trust list is valid.').default('24h'),
        refreshInterval: duration('How often recognised anchors\' trust lists are fetched again.').default('1h'),
      })
      .optional()
      .describe('Publication of this anchor\'s signed trust list.'),
    storage: z
      .strictObject({
        size: z.string().max(32).regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/, { message: 'must be a Kubernetes quantity such as "1Gi"' }).default('1Gi')
          .describe('Size of the issuer\'s PersistentVolumeClaim.'),
        storageClassName: z.string().max(253).optional().describe('StorageClass of the claim; the cluster default when absent. Fixed once the claim exists.'),
        whenDeleted: z.enum(['Retain', 'Delete']).default('Retain')
          .describe('What happens to the claim when the TrustAnchor is deleted. Retain (default): the claim stays, without an owner reference, so the status lists, the issued-credential index and the transparency log outlive the anchor and a re-created anchor of the same name picks them up again (delete the claim by hand when no credential of this anchor is relied on any more). Delete: the claim is owned by the TrustAnchor and garbage-collected with it, which makes every credential it issued unverifiable (its status list is gone).'),
      })
      .optional()
      .describe('Persistent storage of the issuer\'s state (status lists, issued-credential index, transparency log, recognition freshness): a PersistentVolumeClaim named <anchor>-issuer-data. Losing it makes old credentials point at status lists that no longer exist, which verifiers treat as revoked. The issuer is a single writer: its Deployment uses the Recreate strategy.'),
    replicas: z.number().int().min(1).max(5).default(1).describe('Issuer replicas. The state claim is ReadWriteOnce and has one writer: keep 1 unless the storage class offers ReadWriteMany.'),
    resources: ResourceRequirements.optional(),
  })
  .describe('TrustAnchorSpec: a national or sectoral trust anchor that verifies identifiers and issues Verifiable Credentials.');

export const RecognisedAnchorStatus = z
  .strictObject({
    name: z.string().describe('Name of the recognition entry.'),
    did: z.string().optional().describe('DID of the recognised anchor.'),
    state: z.enum(['Fresh', 'Stale', 'Unreachable', 'Pending']).describe('Freshness of its trust list.'),
    lastRefreshTime: z.string().optional().describe('When its trust list was last fetched and verified.').meta({ format: 'date-time' }),
    validUntil: z.string().optional().describe('validUntil of its current trust list.').meta({ format: 'date-time' }),
  })
  .describe('Freshness of one recognised anchor.');

export const TrustAnchorStatus = z
  .strictObject({
    ...statusBase,
    did: z.string().optional().describe('The anchor\'s DID.'),
    endpoint: z.string().optional().describe('In-cluster URL of the issuer service.'),
    signingKeyID: z.string().optional().describe('Key id (JWK thumbprint) of the current signing key; the private key never appears here.'),
    trustListValidUntil: z.string().optional().describe('validUntil of the current signed trust list.').meta({ format: 'date-time' }),
    recognisedAnchors: z.array(RecognisedAnchorStatus).max(32).optional().describe('Recognised anchors and their freshness.'),
  })
  .describe('Observed state of the TrustAnchor.');

export const TrustAnchor = customResource('TrustAnchor', TrustAnchorSpec, TrustAnchorStatus, 'TrustAnchor is a national or sectoral trust anchor: it verifies company identifiers against a trusted data source, issues Verifiable Credentials and recognises other anchors.');

export type TrustAnchor = z.infer<typeof TrustAnchor>;
export type TrustAnchorSpec = z.infer<typeof TrustAnchorSpec>;
export type TrustAnchorStatus = z.infer<typeof TrustAnchorStatus>;

