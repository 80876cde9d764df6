import { z } from 'zod';
import { ListenAddress, PinnedJwk, TrustedAnchor, did, filePath, objectName, url } from './common.js';

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

/**
 * The public key a connector of the participant signs its change events with. The wallet lists it in
 * the participant's DID document as <participant did>#<kid>, for assertions only: a connector's key
 * speaks for the participant's events, never authenticates as the participant.
 */
export const ConnectorEventKey = z
  .strictObject({
    connector: objectName.describe('The Connector holding the private key (in its own Secret, never given to the wallet).'),
    key: PinnedJwk.describe('The public JWK; kid is the fragment of its verification method id.'),
  })
  .describe('A connector\'s event-signing key, published in the participant\'s DID document under assertionMethod.');
export type ConnectorEventKey = z.infer<typeof ConnectorEventKey>;

/** A verification method fragment: what follows '#' in <did>#<kid>. */
const FRAGMENT = /^[A-Za-z0-9._~-]+$/;

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
    connectorEventKeys: z.array(ConnectorEventKey).max(64).default([]).superRefine((keys, ctx) => {
      const seen = new Set<string>();
      keys.forEach(({ key }, i) => {
        if (!FRAGMENT.test(key.kid)) ctx.addIssue({ code: 'custom', path: [i, 'key', 'kid'], message: `kid ${JSON.stringify(key.kid.slice(0, 100))} must be a bare fragment (letters, digits, ".", "_", "~", "-"); the wallet prefixes the participant DID` });
        if (seen.has(key.kid)) ctx.addIssue({ code: 'custom', path: [i, 'key', 'kid'], message: `kid ${key.kid} is listed twice; each connector key needs its own kid` });
        seen.add(key.kid);
      });
    }).describe('Keys the participant\'s connectors sign change events with; listed in the DID document under assertionMethod only.'),
  })
  .describe('Configuration of a Musubi participant wallet.');
export type WalletConfig = z.infer<typeof WalletConfig>;
