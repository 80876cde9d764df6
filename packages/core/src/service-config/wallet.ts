import { z } from 'zod';
import { ListenAddress, TrustedAnchor, did, filePath, objectName, url } from './common.js';

// wallet.json, the configuration of a Participant's identity wallet: the participant's DID and key, the
// credentials the operator obtained for it (vc+jwt files in a mounted Secret, updated in place), its
// members, and the anchor it trusts.

export const WALLET_CONFIG_FILE = 'wallet.json';

/** One client of the wallet's Secure Token Service: a connector of the participant. */
export const StsClient = z
  .strictObject({
    clientId: z.string().min(1).max(253).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, { message: 'must start with a letter or digit and contain only letters, digits, ".", "_", ":" and "-"' }),
    clientSecretFile: filePath.describe('File holding the client secret (mounted from the client\'s Secret); re-read when it changes.'),
  })
  .describe('A client allowed to obtain self-issued ID tokens (grant_type=client_credentials).');
export type StsClient = z.infer<typeof StsClient>;

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
    sts: z
      .strictObject({
        clients: z.array(StsClient).max(64).superRefine((clients, ctx) => {
          const seen = new Set<string>();
          clients.forEach((client, i) => {
            if (seen.has(client.clientId)) ctx.addIssue({ code: 'custom', path: [i, 'clientId'], message: `client ${client.clientId} is listed twice; client ids must be unique` });
            seen.add(client.clientId);
          });
        }),
      })
      .optional()
      .describe('The Secure Token Service and its clients (the participant\'s connectors); without it the wallet issues no ID tokens.'),
  })
  .describe('Configuration of a Musubi participant wallet.');
export type WalletConfig = z.infer<typeof WalletConfig>;
