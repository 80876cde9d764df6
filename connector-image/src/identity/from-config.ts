// The connector's DCP identity from its configuration: the wallet STS client, the authenticator of
// callers (trust store and status lists from the watched trust list), and what makes the connector not
// ready (no valid trust list).
import { InMemoryReplayGuard, createDidWebResolver, createKeyResolver, createTrustedStatusListResolver, type DidWebResolver, type KeyResolver } from '@musubi/core/trust';
import type { ConnectorConfig } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import { CallerUnauthenticated } from './caller.js';
import { DcpCallerAuthenticator, StsCallerCredentials, credentialServicePresentations, type TrustContext } from './dcp.js';
import { StsClient, stsCredentialsFromFiles } from './sts.js';
import { TrustListWatcher } from './trust-list-watcher.js';

export interface DcpIdentity {
  authenticator: DcpCallerAuthenticator;
  credentials: StsCallerCredentials;
  sts: StsClient;
  trustList: TrustListWatcher;
  dids: DidWebResolver;
  keys: KeyResolver;
  /** Why callers cannot be authenticated now (for /readyz), or undefined. */
  notReadyReason(): string | undefined;
  stop(): void;
}

export async function dcpIdentityFromConfig(config: ConnectorConfig, log: Logger): Promise<DcpIdentity> {
  if (!config.identity) throw new Error('identity.dcp is missing: a dataspace connector needs its DCP identity');
  const dcp = config.identity.dcp;
  const outbound = { allowHttp: config.outbound.allowHttp, allowPrivateNetwork: config.outbound.allowPrivateNetwork };
  const dids = createDidWebResolver({ allowHttpLoopback: dcp.allowHttpLoopback });
  const keys = createKeyResolver(dids);
  const sts = new StsClient({ stsUrl: dcp.stsUrl, credentials: stsCredentialsFromFiles(dcp.stsClient), outbound, timeoutMs: config.outbound.timeoutMs });

  const trustList = new TrustListWatcher({
    file: dcp.trustList.file, keysFile: dcp.trustList.anchor.keysFile, anchor: dcp.trustList.anchor,
    intervalMs: dcp.trustList.refreshSeconds * 1000, log: log.child({ component: 'trust-list' }),
  });
  let trust: TrustContext | undefined;
  trustList.onChange(({ trustStore }) => {
    trust = {
      trustStore,
      statusLists: createTrustedStatusListResolver({ trustStore, keys, allowHttpLoopback: dcp.allowHttpLoopback }),
      verifierDid: config.participant.did,
    };
  });
  await trustList.start();

  const authenticator = new DcpCallerAuthenticator({
    keys,
    // One replica's memory: with several replicas a replayed token could be accepted once per replica.
    replayGuard: new InMemoryReplayGuard(),
    presentations: credentialServicePresentations({ dids, sts, outbound, timeoutMs: dcp.presentationTimeoutMs, ...(dcp.presentationScopes && { scope: dcp.presentationScopes }) }),
    access: () => {
      if (!trust) throw new CallerUnauthenticated('UntrustedCredentials', `this connector has no valid trust list yet: ${trustList.notReadyReason() ?? 'loading'}`);
      return trust;
    },
  });
  return {
    authenticator,
    credentials: new StsCallerCredentials({ sts, ...(dcp.presentationScopes && { scope: dcp.presentationScopes }) }),
    sts, trustList, dids, keys,
    notReadyReason: () => trustList.notReadyReason(),
    stop: () => trustList.stop(),
  };
}
