// Configuration pieces the issuer and the wallet share. The operator renders the service's config into a
// ConfigMap (YAML or JSON) and points MUSUBI_ISSUER_CONFIG / MUSUBI_WALLET_CONFIG at it; secrets stay in
// files mounted from Secrets and are referenced by path.
import { IDENTIFIER_SCHEMES } from '@musubi/core/identifiers';
import { z } from 'zod';

export const countryCode = z.string().regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 country code such as "JP"' });

export const IdentifierInput = z.strictObject({
  scheme: z.enum(IDENTIFIER_SCHEMES),
  value: z.string().min(1).max(64),
});

export const LimitsConfig = z
  .strictObject({
    maxBodyBytes: z.number().int().min(1024).max(8 * 1024 * 1024).default(512 * 1024),
  })
  .default({ maxBodyBytes: 512 * 1024 });

export const NetworkConfig = z
  .strictObject({
    allowHttpLoopback: z.boolean().default(false)
      .describe('Local-run profile: fetch DID documents, trust lists and status lists from 127.0.0.1/localhost over plain HTTP. Off in clusters.'),
    timeoutSeconds: z.number().int().min(1).max(60).default(10),
  })
  .default({ allowHttpLoopback: false, timeoutSeconds: 10 });

export const LogLevelConfig = z.enum(['debug', 'info', 'warn', 'error']).default('info');
