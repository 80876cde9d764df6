// What a connector does with its wallet in the DCP presentation flow, for tests: get a self-issued ID
// token from its wallet's STS (granting a verifier scopes, or carrying a token it received), and query a
// holder's Credential Service for a presentation.
import { decodeJws } from '@musubi/core/trust';
import { typeScope } from '../dcp/messages.js';
import { http, type RunningWallet } from './harness.js';

export async function stsToken(wallet: RunningWallet, request: { audience: string; scopes?: string[]; token?: string; holderPath?: string }): Promise<string> {
  const answer = await http('POST', `${wallet.url}${request.holderPath ?? ''}/sts/token`, {
    json: {
      grant_type: 'client_credentials', client_id: wallet.stsClientId, client_secret: wallet.stsSecret, audience: request.audience,
      ...(request.scopes ? { bearer_access_scope: request.scopes.join(' ') } : {}),
      ...(request.token ? { token: request.token } : {}),
    },
  });
  if (answer.status !== 200) throw new Error(`STS refused: ${answer.status} ${answer.text}`);
  return answer.body.access_token as string;
}

/** The `token` claim of a self-issued ID token. */
export function accessTokenOf(idToken: string): string {
  const payload = JSON.parse(Buffer.from(decodeJws(idToken, { typ: 'jwt' }).payload).toString()) as { token?: string };
  if (!payload.token) throw new Error('the ID token carries no access token');
  return payload.token;
}

/**
 * The full consumer → provider handshake: the consumer grants the provider `types`; the provider, with an
 * ID token of its own carrying that grant, queries the consumer's Credential Service.
 */
export async function queryPresentation(consumer: RunningWallet, provider: RunningWallet, options: { grant: string[]; ask: string[]; nonce: string; holderPath?: string }) {
  const consumerToken = await stsToken(consumer, { audience: provider.did, scopes: options.grant.map(typeScope), ...(options.holderPath ? { holderPath: options.holderPath } : {}) });
  const holderDid = options.holderPath ? consumer.memberDid(options.holderPath.split('/').pop() as string) : consumer.did;
  const providerToken = await stsToken(provider, { audience: holderDid, token: accessTokenOf(consumerToken) });
  return http('POST', `${consumer.url}${options.holderPath ?? ''}/presentations/query`, {
    token: providerToken,
    json: { '@context': ['https://w3id.org/dspace-dcp/v1.0/dcp.jsonld'], type: 'PresentationQueryMessage', scope: options.ask.map(typeScope), nonce: options.nonce },
  });
}
