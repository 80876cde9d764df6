// The connector's configuration file (path in MUSUBI_CONNECTOR_CONFIG): what the operator renders into
// a ConfigMap for a pod and what a developer writes for a local run. Secrets (the management token,
// backend credentials, database password, keys) are never inline: the file names files mounted from
// Secrets, read when needed.
import { z } from 'zod';
import { TckProfileConfigSchema } from '../tck/config.js';

const listen = (defaultPort: number) => z.strictObject({
  host: z.string().min(1).default('127.0.0.1').describe('Address to bind; 0.0.0.0 in a pod, 127.0.0.1 for local runs.'),
  port: z.number().int().min(0).max(65535).default(defaultPort).describe('TCP port; 0 picks a free one.'),
});

const absoluteUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}, { message: 'must be an absolute http(s) URL, e.g. https://dsp.example.com/api/dsp' });

const filePath = z.string().min(1).describe('Path of a file (usually mounted from a Secret or ConfigMap).');

export const DatasetMetadata = z.strictObject({
  title: z.string().min(1).max(256),
  description: z.string().max(4096).optional(),
  keywords: z.array(z.string().max(64)).max(32).optional(),
  themes: z.array(z.string().max(256)).max(16).optional(),
  mediaType: z.string().max(128).default('application/json'),
  language: z.string().max(16).optional(),
  license: z.string().max(512).optional(),
  conformsTo: z.string().max(512).optional(),
});

export const HttpSource = z.strictObject({
  url: absoluteUrl,
  method: z.enum(['GET', 'POST']).default('GET'),
  authHeader: z.string().min(1).max(128).default('Authorization').describe('Header carrying the credential read from authFile.'),
  authFile: filePath.optional().describe('File holding the header value, e.g. "Bearer abc" (mounted from a Secret).'),
  allowPrivateNetwork: z.boolean().default(false).describe('Allow a backend on private, loopback or link-local addresses.'),
  timeoutMs: z.number().int().min(100).max(300_000).default(30_000),
});

export const FileSource = z.strictObject({
  path: filePath.describe('File with the data (mounted from a ConfigMap or Secret key).'),
});

export const DataSourceConfig = z.strictObject({
  http: HttpSource.optional(),
  file: FileSource.optional(),
}).refine((s) => (s.http ? 1 : 0) + (s.file ? 1 : 0) === 1, { message: 'set exactly one of source.http or source.file' });

export const OfferConfig = z.strictObject({
  assetId: z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, { message: 'must start with a letter or digit and contain only letters, digits, ".", "_", ":" and "-"' }),
  dataset: DatasetMetadata,
  source: DataSourceConfig,
  policyFile: filePath.describe('The compiled policy (policy.json of the musubi-policy-<name> ConfigMap).'),
});

export const StoreConfigSchema = z.strictObject({
  sqlite: z.strictObject({ path: z.string().min(1) }).optional(),
  postgres: z.strictObject({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(5432),
    database: z.string().min(1),
    user: z.string().min(1),
    passwordFile: filePath.optional(),
    ssl: z.boolean().default(false),
    maxConnections: z.number().int().min(1).max(100).default(10),
  }).optional(),
}).refine((s) => (s.sqlite ? 1 : 0) + (s.postgres ? 1 : 0) === 1, { message: 'set exactly one of store.sqlite or store.postgres' });

export const IdentityConfig = z.strictObject({
  dcp: z.strictObject({
    stsUrl: absoluteUrl.describe(
      'The participant wallet\'s Secure Token Service, which issues this connector\'s self-issued ID tokens. Plain http:// only for the wallet\'s in-cluster Service (or loopback), whatever outbound.allowHttp says.',
    ),
    stsClient: z.strictObject({
      idFile: filePath.describe('File holding the client_id (key client-id of the connector\'s wallet client Secret).'),
      secretFile: filePath.describe('File holding the client_secret (key client-secret of the same Secret).'),
    }).describe('This connector\'s OAuth client credentials at its wallet STS (grant_type=client_credentials); read on every token request.'),
    presentationScopes: z.array(z.string().regex(/^org\.eclipse\.dspace\.dcp\.vc\.(type|id):[^\s:]+:read$/, { message: 'must be a DCP scope such as org.eclipse.dspace.dcp.vc.type:LegalPersonCredential:read' }))
      .min(1).max(16).optional()
      .describe('Scopes this connector asks callers\' credential services for, and grants counter-parties to read from its own; default: legal-person, membership and relationship credentials.'),
    trustList: z.strictObject({
      file: filePath.describe('The signed trust list (vc+jwt) of the dataspace\'s anchor, mounted from a ConfigMap; re-read when it changes.'),
      refreshSeconds: z.number().int().min(1).max(300).default(10).describe('How often the file is checked for a new list.'),
      anchor: z.strictObject({
        did: z.string().regex(/^did:[a-z0-9]+:.+/, { message: 'must be a DID, e.g. did:web:anchor.example.jp' }),
        jurisdiction: z.string().regex(/^(?:[A-Z]{2}|EU)$/, { message: 'must be an ISO 3166-1 alpha-2 code or EU' }),
        keysFile: filePath.describe('JSON array of the anchor\'s pinned public JWKs (each with kid).'),
      }),
    }),
    allowHttpLoopback: z.boolean().default(false).describe('Resolve did:web and fetch status lists over plain HTTP on loopback (local runs only).'),
    presentationTimeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  }),
});

export const CONNECTOR_PROFILES = ['dataspace', 'tck-conformance'] as const;

export const ConnectorConfigSchema = z.strictObject({
  profile: z.enum(CONNECTOR_PROFILES).default('dataspace').describe(
    'dataspace: the real connector. tck-conformance: a test profile for the DSP TCK only (seeded ids, scripted steps, static caller header); never in a dataspace.',
  ),
  tck: TckProfileConfigSchema.optional().describe('Settings of the tck-conformance profile; read only in that profile.'),
  participant: z.strictObject({
    did: z.string().regex(/^did:[a-z0-9]+:.+/, { message: 'must be a DID, e.g. did:web:maker.example.jp' }),
  }),
  dsp: z.strictObject({
    publicUrl: absoluteUrl.describe('The DSP base URL counter-parties call; also this connector\'s callback address.'),
    listen: listen(8282).prefault({}),
    maxBodyBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  }),
  management: z.strictObject({
    listen: listen(8283).prefault({}),
    tokenFile: filePath.describe('Bearer token of the management API, mounted from a Secret.'),
  }),
  metrics: z.strictObject({ listen: listen(9464).prefault({}) }).prefault({}),
  outbound: z.strictObject({
    allowHttp: z.boolean().default(false).describe('Allow plain http:// counter-parties and push destinations (local runs only).'),
    allowPrivateNetwork: z.boolean().default(false).describe('Allow counter-parties on private addresses (an in-cluster dataspace).'),
    timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
  }).prefault({}),
  delivery: z.strictObject({
    maxAttempts: z.number().int().min(1).max(100).default(12),
    baseDelayMs: z.number().int().min(10).max(600_000).default(500),
    maxDelayMs: z.number().int().min(10).max(3_600_000).default(60_000),
    pollIntervalMs: z.number().int().min(10).max(60_000).default(500),
  }).prefault({}),
  dataPlane: z.strictObject({
    accessTokenTtlSeconds: z.number().int().min(5).max(86_400).default(300),
    refreshTokenTtlSeconds: z.number().int().min(5).max(30 * 86_400).default(86_400),
    maxDataBytes: z.number().int().min(1).max(1024 ** 4).default(1024 ** 3)
      .describe('The most one transfer (pull or push) may carry, in bytes; data streams through, so this bounds traffic, not memory.'),
    idleTimeoutMs: z.number().int().min(1000).max(600_000).default(30_000)
      .describe('A data stream that moves no byte for this long is abandoned; large transfers have no total deadline.'),
  }).prefault({}),
  notifications: z.strictObject({
    signingKeyFile: filePath.optional().describe(
      'Private JWK of this connector\'s own event-signing key, which its participant\'s DID document lists under assertionMethod as <did>#<kid> (the operator creates it per Connector); signs the change events this connector sends as provider. Without it, subscriptions to its offers are refused.',
    ),
    pollIntervalSeconds: z.number().int().min(1).max(86_400).default(60).describe('How often the sources of subscribed offers are checked for changes (file content digest, HTTP ETag or Last-Modified).'),
    maxSubscriptionsPerAgreement: z.number().int().min(1).max(100).default(8),
  }).prefault({}),
  store: StoreConfigSchema,
  offers: z.array(OfferConfig).max(256).default([]),
  identity: IdentityConfig.optional(),
}).superRefine((config, issues) => {
  if (config.profile === 'dataspace' && !config.identity) {
    issues.addIssue({ code: 'custom', path: ['identity'], message: 'identity.dcp is required: a dataspace connector authenticates its callers with DCP' });
  }
  if (config.profile === 'tck-conformance' && !config.tck) {
    issues.addIssue({ code: 'custom', path: ['tck'], message: 'the tck-conformance profile needs the tck section (participantId, authorization, dataFile)' });
  }
  if (config.profile !== 'tck-conformance' && config.tck) {
    issues.addIssue({ code: 'custom', path: ['tck'], message: 'the tck section is read only with profile: tck-conformance; remove it or set that profile' });
  }
});

export type ConnectorConfig = z.infer<typeof ConnectorConfigSchema>;
export type OfferConfig = z.infer<typeof OfferConfig>;
export type DatasetMetadata = z.infer<typeof DatasetMetadata>;
export type DataSourceConfig = z.infer<typeof DataSourceConfig>;
