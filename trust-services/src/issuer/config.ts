// Configuration of the issuer a TrustAnchor runs: the operator's contract (issuer.json, schema in
// @musubi/core/service-config) plus the settings the issuer adds, each optional with a default so a file
// rendered by the operator today is valid as it is.
import { IssuerConfig as RenderedIssuerConfig, did } from '@musubi/core/service-config';
import { IDENTIFIER_SCHEMES } from '@musubi/core/identifiers';
import { z } from 'zod';
import { LimitsConfig, LogLevelConfig, NetworkConfig } from '../config/common.js';

export const EnrolledParticipant = z.strictObject({
  did,
  identifiers: z.array(z.strictObject({ scheme: z.enum(IDENTIFIER_SCHEMES), value: z.string().min(1).max(64) })).min(1).max(8),
});

export const IssuerServiceConfig = RenderedIssuerConfig.extend({
  enrolment: z
    .strictObject({ participants: z.array(EnrolledParticipant).max(10_000) })
    .optional()
    .describe('When set, only these DIDs may request credentials over DCP, and only for their identifiers; unset: any did:web may ask, the registry decides.'),
  statusList: z
    .strictObject({
      validitySeconds: z.number().int().min(60).default(86_400).describe('validUntil of published status list credentials, from the moment they are signed.'),
      cacheSeconds: z.number().int().min(0).max(3600).default(30).describe('How long another issuer\'s status list is reused; revocations there take this long to be seen.'),
    })
    .default({ validitySeconds: 86_400, cacheSeconds: 30 }),
  network: NetworkConfig,
  limits: LimitsConfig,
  logLevel: LogLevelConfig,
});
export type IssuerServiceConfig = z.infer<typeof IssuerServiceConfig>;
export type IssuerServiceConfigInput = z.input<typeof IssuerServiceConfig>;
export type RecognisedAnchorConfig = IssuerServiceConfig['recognised'][number];
