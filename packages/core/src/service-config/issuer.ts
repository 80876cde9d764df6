import { z } from 'zod';
import { CREDENTIAL_FORMATS, CREDENTIAL_TYPES, TRUST_FRAMEWORKS } from '../vocabulary/index.js';
import { IDENTIFIER_SCHEMES } from '../identifiers/index.js';
import { ListenAddress, PinnedJwk, did, filePath, objectName, url } from './common.js';

// issuer.json, the configuration of a TrustAnchor's VC issuer, and the issuer's HTTP contract with the
// operator: VC-API issue and status update (POST /credentials/issue, POST /credentials/status) behind a
// bearer token, and GET /status, where the issuer reports the freshness of recognised anchors.

export const ISSUER_CONFIG_FILE = 'issuer.json';

export const RecognisedAnchor = z
  .strictObject({
    name: z.string().min(1).max(63).describe('Name of the recognition entry in the TrustAnchor.'),
    did,
    jurisdiction: z.string().regex(/^([A-Z]{2}|EU)$/),
    keys: z.array(PinnedJwk).min(1).max(8).describe('Keys the recognised anchor must sign its trust list with.'),
    trustListURL: url.describe('Where its signed trust list is fetched.'),
    attributeMapping: z.array(z.strictObject({
      from: z.enum(IDENTIFIER_SCHEMES),
      to: z.enum(['local', 'vatID', 'leiCode', 'EORI', 'taxID']),
    })).max(16).default([]),
    maxStalenessSeconds: z.number().int().min(1),
    inCluster: z.boolean().describe('A TrustAnchor of the same cluster (keys read by the operator) or an external one (keys pinned in its spec).'),
  })
  .describe('An anchor whose credentials this anchor accepts.');
export type RecognisedAnchor = z.infer<typeof RecognisedAnchor>;

export const IssuerConfig = z
  .strictObject({
    anchor: z.strictObject({
      name: objectName,
      namespace: objectName,
      did,
      publicURL: url,
      framework: z.enum(TRUST_FRAMEWORKS),
      jurisdiction: z.string().regex(/^([A-Z]{2}|EU)$/),
      displayName: z.string().max(256).optional(),
      identifierSchemes: z.array(z.enum(IDENTIFIER_SCHEMES)).min(1).max(8),
      dataspace: z.string().min(1).max(256).describe('Dataspace id stated in DataspaceMembershipCredentials.'),
    }),
    signingKeyFile: filePath.describe('Private JWK of the signing key (kid = its thumbprint); bind it to anchor.did before use.'),
    apiTokenFile: filePath.describe('Bearer token callers of /credentials/* and /status must present.'),
    dataSource: z
      .strictObject({
        name: z.string().min(1).max(256).describe('Name of the registry, recorded in every credential.'),
        file: z.strictObject({ path: filePath }).optional().describe('Registry file: a YAML or JSON list of {scheme, value, legalName, country}.'),
        http: z.strictObject({
          url,
          tokenFile: filePath.optional(),
          caBundleFile: filePath.optional(),
          timeoutSeconds: z.number().int().min(1).max(60).default(10),
        }).optional().describe('Registry API: GET <url>/<scheme>/<value>.'),
      })
      .refine((s) => (s.file ? 1 : 0) + (s.http ? 1 : 0) === 1, { message: 'set exactly one of file or http' }),
    credentials: z.array(z.strictObject({
      type: z.enum(CREDENTIAL_TYPES),
      validitySeconds: z.number().int().min(3600),
      format: z.enum(CREDENTIAL_FORMATS).default('vc+jwt'),
    })).min(1).max(8),
    recognised: z.array(RecognisedAnchor).max(32).default([]),
    trustList: z.strictObject({
      validitySeconds: z.number().int().min(60),
      refreshIntervalSeconds: z.number().int().min(10),
    }),
    listen: ListenAddress,
    storageDir: filePath.describe('Where issued-credential records and status lists are kept.'),
  })
  .describe('Configuration of a Musubi trust anchor\'s VC issuer.');
export type IssuerConfig = z.infer<typeof IssuerConfig>;

const identifier = z.strictObject({ scheme: z.enum(IDENTIFIER_SCHEMES), value: z.string().min(1).max(64) });

/** Body of POST /credentials/issue (VC-API): the unsigned credential the caller asks for. */
export const IssueCredentialRequest = z
  .strictObject({
    credential: z.strictObject({
      '@context': z.array(z.string()).min(1),
      type: z.array(z.string()).min(2).max(4),
      credentialSubject: z.union([
        z.strictObject({ id: did, legalName: z.string().min(1).max(256), country: z.string().regex(/^[A-Z]{2}$/), identifiers: z.array(identifier).min(1).max(8) }),
        z.strictObject({ id: did }),
      ]),
    }),
    options: z.strictObject({
      format: z.enum(CREDENTIAL_FORMATS).optional(),
      /** The caller's name for the subject, recorded with the issuance (e.g. namespace/name of the Participant). */
      requestedBy: z.string().max(512).optional(),
    }).default({}),
  })
  .describe('A request to issue one credential; the issuer verifies the subject\'s claims against its data source first.');
export type IssueCredentialRequest = z.infer<typeof IssueCredentialRequest>;

export const ENVELOPED_VC_JWT_DATA_URL = 'data:application/vc+jwt,';

/** Answer of POST /credentials/issue: a vc+jwt wrapped as a VC-API EnvelopedVerifiableCredential. */
export const IssueCredentialResponse = z.strictObject({
  verifiableCredential: z.strictObject({
    '@context': z.union([z.string(), z.array(z.string())]),
    id: z.string().startsWith(ENVELOPED_VC_JWT_DATA_URL),
    type: z.literal('EnvelopedVerifiableCredential'),
  }),
});
export type IssueCredentialResponse = z.infer<typeof IssueCredentialResponse>;

/** Body of POST /credentials/status (VC-API update status). */
export const UpdateCredentialStatusRequest = z.strictObject({
  credentialId: z.string().min(1).max(512),
  credentialStatus: z.array(z.strictObject({ type: z.literal('BitstringStatusListEntry'), status: z.enum(['revoked', 'suspended']) })).min(1).max(2),
});
export type UpdateCredentialStatusRequest = z.infer<typeof UpdateCredentialStatusRequest>;

/** RFC 9457 problem details, the body of every error answer. */
export const ProblemDetails = z.object({
  type: z.string().optional(),
  title: z.string(),
  detail: z.string().optional(),
  status: z.number().int().optional(),
});
export type ProblemDetails = z.infer<typeof ProblemDetails>;

export const RECOGNISED_ANCHOR_STATES = ['Fresh', 'Stale', 'Unreachable', 'Pending'] as const;

/** Answer of GET /status: what the issuer runs with and how fresh its view of recognised anchors is. */
export const IssuerStatusReport = z.object({
  did,
  signingKeyID: z.string(),
  trustListValidUntil: z.iso.datetime({ offset: true }).optional(),
  recognised: z.array(z.object({
    name: z.string(),
    did,
    state: z.enum(RECOGNISED_ANCHOR_STATES),
    lastRefreshTime: z.iso.datetime({ offset: true }).optional(),
    validUntil: z.iso.datetime({ offset: true }).optional(),
    message: z.string().max(1024).optional(),
  })).max(32),
});
export type IssuerStatusReport = z.infer<typeof IssuerStatusReport>;

export const TRUST_LIST_CONFIG_FILE = 'trust-list.json';

/**
 * trust-list.json, which the operator publishes for each TrustAnchor in a ConfigMap: the anchor with its
 * public keys and the anchors it recognises. Connectors and wallets of the cluster are configured
 * from it; the issuer signs the same content as its trust list.
 */
export const TrustListConfig = z.strictObject({
  anchor: z.strictObject({
    name: z.string().max(256).optional(),
    did,
    jurisdiction: z.string().regex(/^([A-Z]{2}|EU)$/),
    keys: z.array(PinnedJwk).min(1).max(8),
    trustListURL: url,
  }),
  recognised: z.array(RecognisedAnchor).max(32),
});
export type TrustListConfig = z.infer<typeof TrustListConfig>;
