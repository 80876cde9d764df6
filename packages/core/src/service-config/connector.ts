import { z } from 'zod';
import { compiledPolicySchema } from '../policy/index.js';
import { ListenAddress, TrustedAnchor, did, filePath, objectName, url } from './common.js';

// connector.json: everything a connector process needs, rendered by the operator from a Connector,
// its Participant, its Policies and its trust anchor. The connector reads it once at start; the pod
// template carries a hash of it, so a change (a policy digest, a credential) rolls the pods. Files
// named here (tokens, inline data) are mounted Secrets and read when used, so they update in place.

export const CONNECTOR_CONFIG_FILE = 'connector.json';

export const OfferDataset = z
  .strictObject({
    title: z.string().min(1).max(256),
    description: z.string().max(4096).optional(),
    keywords: z.array(z.string().max(64)).max(32).default([]),
    themes: z.array(z.string().max(256)).max(16).default([]),
    mediaType: z.string().max(128).default('application/json'),
    language: z.string().max(16).optional(),
    license: z.string().max(512).optional(),
    conformsTo: z.string().max(512).optional(),
  })
  .describe('DCAT metadata of the dataset published in the catalog.');

export const OfferSource = z
  .strictObject({
    http: z
      .strictObject({
        url,
        method: z.enum(['GET', 'POST']).default('GET'),
        authHeader: z.string().max(128).default('Authorization'),
        authValueFile: filePath.optional().describe('File holding the value of authHeader.'),
        allowPrivateNetwork: z.boolean().default(false).describe('Allow private, loopback and link-local backends (off: SSRF protection).'),
      })
      .optional(),
    file: z.strictObject({ path: filePath }).optional().describe('Inline data in a file (a mounted Secret key); read on every transfer.'),
  })
  .refine((s) => (s.http ? 1 : 0) + (s.file ? 1 : 0) === 1, { message: 'set exactly one of http or file' })
  .describe('Where the data of an offer comes from.');

export const OfferConfig = z
  .strictObject({
    assetId: z.string().min(1).max(128),
    dataset: OfferDataset,
    source: OfferSource,
    policy: z.strictObject({
      name: objectName.describe('Name of the Policy; a key of `policies`.'),
      digest: z.string().describe('Digest of the compiled policy the offer is published under.'),
    }),
  })
  .describe('One published offer.');
export type OfferConfig = z.infer<typeof OfferConfig>;

export const ConnectorStorage = z
  .strictObject({
    sqlite: z.strictObject({ path: filePath }).optional(),
    postgres: z.strictObject({ secretDir: filePath.describe('Directory with files host, port, database, user, password and optionally sslmode.') }).optional(),
  })
  .refine((s) => (s.sqlite ? 1 : 0) + (s.postgres ? 1 : 0) === 1, { message: 'set exactly one of sqlite or postgres' })
  .describe('Where negotiations, agreements and transfers are stored.');

export const ConnectorConfig = z
  .strictObject({
    connector: z.strictObject({
      name: objectName,
      namespace: objectName,
      publicURL: url.describe('The DSP endpoint other connectors call.'),
    }),
    participant: z.strictObject({
      name: objectName,
      did,
      legalName: z.string().min(1).max(256),
      country: z.string().regex(/^[A-Z]{2}$/),
      walletURL: url.describe('In-cluster URL of the participant\'s wallet, which holds its credentials and signs presentations.'),
    }),
    listen: z.strictObject({
      dsp: ListenAddress.describe('The Dataspace Protocol API.'),
      management: ListenAddress.describe('Management API, /healthz, /readyz and /metrics.'),
    }),
    managementTokenFile: filePath.describe('Bearer token the management API requires.'),
    storage: ConnectorStorage,
    offers: z.array(OfferConfig).max(256).default([]),
    policies: z.record(objectName, compiledPolicySchema).default({}).describe('Compiled policies by Policy name.'),
    trust: z.strictObject({
      anchors: z.array(TrustedAnchor).min(1).max(8).describe('The participant\'s own anchor(s); recognised anchors come from their signed trust lists.'),
    }),
  })
  .superRefine((config, ctx) => {
    config.offers.forEach((offer, i) => {
      const policy = config.policies[offer.policy.name];
      if (!policy) ctx.addIssue({ code: 'custom', path: ['offers', i, 'policy', 'name'], message: `no compiled policy "${offer.policy.name}" in policies` });
      else if (policy.digest !== offer.policy.digest) ctx.addIssue({ code: 'custom', path: ['offers', i, 'policy', 'digest'], message: `digest differs from policies.${offer.policy.name}.digest` });
    });
  })
  .describe('Configuration of a Musubi DSP connector.');
export type ConnectorConfig = z.infer<typeof ConnectorConfig>;
