import { TRUST_LIST_CONFIG_FILE, TrustListConfig } from '@musubi/core/service-config';
import { issueTrustList, type RecognisedAnchorEntry } from '@musubi/core/trust';
import { isNotFound, type KubeClient } from '../../runtime/index.js';
import { IssuerUnavailableError, type IssuerClient } from '../shared/issuer-client.js';
import { keyPairFromSecret } from '../trustanchor/keys.js';
import { signingKeySecretName, trustListConfigMapName } from '../trustanchor/names.js';

// TEST ONLY: the issuer call the Connector controller makes, GET <issuer>/trust-list, answered as the
// trust-services issuer answers it — the anchor's published keys and recognitions (its trust-list
// ConfigMap) signed with its key (its signing-key Secret) — so connector tests verify a real list.
// The anchor is named by the issuer's in-cluster host, <anchor>-issuer.<namespace>.svc.<domain>. Every
// other call goes to `inner`, or fails as an unreachable issuer.

const VALIDITY_MS = 24 * 3600_000;

export function issuerWithTrustLists(client: Pick<KubeClient, 'get'>, inner?: IssuerClient, clock: () => Date = () => new Date()): IssuerClient {
  const unreachable = (endpoint: string) => Promise.reject(new IssuerUnavailableError(endpoint, 'no issuer runs in this test'));
  return {
    requestCredential: (endpoint, token, request, signal) => (inner ? inner.requestCredential(endpoint, token, request, signal) : unreachable(endpoint)),
    revoke: (endpoint, token, id, signal) => (inner ? inner.revoke(endpoint, token, id, signal) : unreachable(endpoint)),
    status: (endpoint, token, signal) => (inner ? inner.status(endpoint, token, signal) : unreachable(endpoint)),
    async trustList(endpoint) {
      const [service = '', namespace = ''] = new URL(endpoint).hostname.split('.');
      const anchor = service.replace(/-issuer$/, '');
      let secret;
      let configMap;
      try {
        secret = await client.get({ apiVersion: 'v1', kind: 'Secret', namespace, name: signingKeySecretName(anchor) });
        configMap = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: trustListConfigMapName(anchor) });
      } catch (err) {
        if (isNotFound(err)) throw new IssuerUnavailableError(endpoint, `TrustAnchor ${namespace}/${anchor} has no key or published trust list yet`);
        throw err;
      }
      const published = TrustListConfig.parse(JSON.parse((configMap.data as Record<string, string>)[TRUST_LIST_CONFIG_FILE] ?? '{}'));
      const now = clock();
      const key = (await keyPairFromSecret(secret)).forDid(published.anchor.did);
      return issueTrustList({
        anchorKey: key,
        jurisdiction: published.anchor.jurisdiction,
        // As the issuer does: the key it signs with, whatever the operator published.
        keys: [{ ...key.publicJwk, kid: key.kid }],
        recognises: published.recognised.map((r): RecognisedAnchorEntry => ({
          did: r.did, jurisdiction: r.jurisdiction, keys: r.keys, trustListFetchedAt: now.toISOString(), maxStalenessSeconds: r.maxStalenessSeconds,
          attributeMapping: r.attributeMapping as RecognisedAnchorEntry['attributeMapping'], name: r.name,
        })),
        validFrom: new Date(now.getTime() - 60_000),
        validUntil: new Date(now.getTime() + VALIDITY_MS),
        ...(published.anchor.name ? { name: published.anchor.name } : {}),
      });
    },
  };
}
