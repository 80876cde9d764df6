import { z } from 'zod';
import { ListenAddress, TrustedAnchor, did, filePath, objectName, url } from './common.js';

// wallet.json, the configuration of a Participant's identity wallet: the participant's DID and key, the
// credentials the operator obtained for it (vc+jwt files in a mounted Secret, updated in place), its
// members, and the anchor it trusts.

export const WALLET_CONFIG_FILE = 'wallet.json';

export const WalletConfig = z
  .strictObject({
    participant: z.strictObject({
      name: objectName,
      namespace: objectName,
      did,
      legalName: z.string().min(1).max(256),
      country: z.string().regex(/^[A-Z]{2}$/),
      publicURL: url.optional().describe('Base URL of the wallet outside the cluster; did:web of it is the participant DID.'),
    }),
    keyFile: filePath.describe('Private JWK of the participant key (kid = its thumbprint); bind it to participant.did before use.'),
    credentialsDir: filePath.describe('Directory of <name>.jwt files, one vc+jwt each; re-read when they change.'),
    members: z.array(z.strictObject({
      id: z.string().min(1).max(63),
      did,
      roles: z.array(z.string().max(63)).max(16),
      displayName: z.string().max(256).optional(),
    })).max(256).default([]),
    trustAnchor: TrustedAnchor.extend({ issuerURL: url.describe('In-cluster URL of the anchor\'s issuer.') }),
    listen: ListenAddress,
    storageDir: filePath,
  })
  .describe('Configuration of a Musubi participant wallet.');
export type WalletConfig = z.infer<typeof WalletConfig>;
