// Configuration of a Participant's wallet: the operator's contract (wallet.json, schema in
// @musubi/core/service-config) plus the settings the wallet adds, each optional with a default.
import { WalletConfig as RenderedWalletConfig, did, filePath } from '@musubi/core/service-config';
import { IDENTIFIER_SCHEMES } from '@musubi/core/identifiers';
import { CREDENTIAL_TYPES, RELATIONSHIP_TYPES } from '@musubi/core/vocabulary';
import { z } from 'zod';
import { LimitsConfig, LogLevelConfig, NetworkConfig } from '../config/common.js';

export const WalletServiceConfig = RenderedWalletConfig.extend({
  participant: RenderedWalletConfig.shape.participant.extend({
    identifiers: z
      .array(z.strictObject({ scheme: z.enum(IDENTIFIER_SCHEMES), value: z.string().min(1).max(64) }))
      .min(1)
      .max(8)
      .optional()
      .describe('Identifiers the anchor checks; needed when the wallet requests its LegalPersonCredential itself.'),
  }),
  issuance: z
    .strictObject({
      requestedCredentials: z.array(z.enum(CREDENTIAL_TYPES)).min(1).max(4).default(['LegalPersonCredential', 'DataspaceMembershipCredential']),
      renewBeforeSeconds: z.number().int().min(60).default(30 * 86_400),
      checkIntervalSeconds: z.number().int().min(1).max(86_400).default(300),
    })
    .optional()
    .describe('When set, the wallet requests and renews its credentials from trustAnchor.issuerURL over DCP.'),
  relationships: z
    .array(z.strictObject({ type: z.enum(RELATIONSHIP_TYPES), did, validitySeconds: z.number().int().min(3600).default(365 * 86_400) }))
    .max(128)
    .default([])
    .describe('RelationshipCredentials this participant grants; each is delivered to the subject\'s wallet.'),
  memberCredentialValiditySeconds: z.number().int().min(3600).default(365 * 86_400),
  apiTokenFile: filePath.optional().describe('Bearer token for GET /status (the operator).'),
  trustedIssuers: z.array(did).max(64).default([]).describe('Other issuers whose credentials the Storage API accepts.'),
  statusList: z
    .strictObject({ validitySeconds: z.number().int().min(60).default(86_400), cacheSeconds: z.number().int().min(0).max(3600).default(30) })
    .default({ validitySeconds: 86_400, cacheSeconds: 30 }),
  network: NetworkConfig,
  limits: LimitsConfig,
  logLevel: LogLevelConfig,
});
export type WalletServiceConfig = z.infer<typeof WalletServiceConfig>;
export type WalletServiceConfigInput = z.input<typeof WalletServiceConfig>;
