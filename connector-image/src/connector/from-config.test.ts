// The configuration-file path a pod takes: files mounted from ConfigMaps and Secrets (trust list,
// pinned anchor keys, wallet client, management token, compiled policy, data), a connector started from
// them, its health, readiness, metrics and version endpoints answering, and a clean stop.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, issueTrustList } from '@musubi/core/trust';
import { parseConnectorConfig } from '../config/load.js';
import { silentLogger } from '../observability/logger.js';
import { compiledPolicy, freePort } from '../testing/harness.test-support.js';
import { startFromConfig } from './from-config.js';

const ANCHOR = 'did:web:anchor.jp.example';

describe('a connector started from its configuration file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('serves health, readiness, metrics and the DSP version, then stops', async () => {
    const anchorKey = (await generateKeyPair({ algorithm: 'Ed25519' })).forDid(ANCHOR, 'key-1');
    const pinned = [{ ...anchorKey.publicJwk, kid: anchorKey.kid }];
    const now = Date.now();
    writeFileSync(join(dir, 'trust-list.jwt'), await issueTrustList({ anchorKey, jurisdiction: 'JP', keys: pinned, recognises: [], validFrom: new Date(now - 60_000), validUntil: new Date(now + 86_400_000) }));
    writeFileSync(join(dir, 'anchor-keys.json'), JSON.stringify(pinned));
    writeFileSync(join(dir, 'client-id'), 'pcf-connector');
    writeFileSync(join(dir, 'client-secret'), 'wallet-client-secret-value');
    writeFileSync(join(dir, 'management-token'), 'management-token-0123456789');
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(compiledPolicy('dataspace/open', [{ action: 'use', constraints: [] }])));
    writeFileSync(join(dir, 'data.json'), '{"v":1}');
    const [dsp, management, metrics] = [await freePort(), await freePort(), await freePort()];
    const config = parseConnectorConfig({
      participant: { did: 'did:web:maker.example.jp' },
      dsp: { publicUrl: `http://127.0.0.1:${dsp}/api/dsp`, listen: { port: dsp } },
      management: { listen: { port: management }, tokenFile: join(dir, 'management-token') },
      metrics: { listen: { port: metrics } },
      store: { sqlite: { path: join(dir, 'db', 'connector.db') } },
      offers: [{ assetId: 'pcf', dataset: { title: 'PCF' }, source: { file: { path: join(dir, 'data.json') } }, policyFile: join(dir, 'policy.json') }],
      identity: { dcp: { stsUrl: 'http://127.0.0.1:1/sts/token', stsClient: { idFile: join(dir, 'client-id'), secretFile: join(dir, 'client-secret') }, trustList: { file: join(dir, 'trust-list.jwt'), anchor: { did: ANCHOR, jurisdiction: 'JP', keysFile: join(dir, 'anchor-keys.json') } } } },
    }, 'test');
    const { connector, store } = await startFromConfig(config, silentLogger);
    try {
      expect(await (await fetch(`http://127.0.0.1:${metrics}/healthz`)).json()).toEqual({ status: 'ok' });
      expect(await (await fetch(`http://127.0.0.1:${metrics}/readyz`)).json()).toEqual({ status: 'ready', store: 'sqlite' });
      const exposition = await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text();
      expect(exposition).toContain('musubi_connector_outbox_pending 0');
      expect(exposition).toContain('process_cpu_user_seconds_total');
      const version = await (await fetch(`http://127.0.0.1:${dsp}/.well-known/dspace-version`)).json();
      expect(version).toMatchObject({ protocolVersions: [{ version: '2025-1', path: '/api/dsp', binding: 'HTTPS' }] });
      const catalog = await fetch(`http://127.0.0.1:${dsp}/api/dsp/catalog/request`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(catalog.status).toBe(401);
      const offers = await fetch(`http://127.0.0.1:${management}/offers`, { headers: { authorization: 'Bearer management-token-0123456789' } });
      expect(await offers.json()).toEqual([expect.objectContaining({ assetId: 'pcf' })]);
    } finally {
      await connector.stop();
      await store.close();
    }
  });

  test('readiness follows the trust list: not ready once it expires, ready again when the operator refreshes it', async () => {
    const sub = mkdtempSync(join(dir, 'expiry-'));
    const anchorKey = (await generateKeyPair({ algorithm: 'Ed25519' })).forDid(ANCHOR, 'key-1');
    const pinned = [{ ...anchorKey.publicJwk, kid: anchorKey.kid }];
    const issue = (validForMs: number) => issueTrustList({ anchorKey, jurisdiction: 'JP', keys: pinned, recognises: [], validFrom: new Date(Date.now() - 1_000), validUntil: new Date(Date.now() + validForMs) });
    writeFileSync(join(sub, 'trust-list.jwt'), await issue(2_000));
    writeFileSync(join(sub, 'anchor-keys.json'), JSON.stringify(pinned));
    writeFileSync(join(sub, 'client-id'), 'pcf-connector');
    writeFileSync(join(sub, 'client-secret'), 'wallet-client-secret-value');
    writeFileSync(join(sub, 'management-token'), 'management-token-0123456789');
    const [dsp, management, metrics] = [await freePort(), await freePort(), await freePort()];
    const config = parseConnectorConfig({
      participant: { did: 'did:web:maker.example.jp' },
      dsp: { publicUrl: `http://127.0.0.1:${dsp}/api/dsp`, listen: { port: dsp } },
      management: { listen: { port: management }, tokenFile: join(sub, 'management-token') },
      metrics: { listen: { port: metrics } },
      store: { sqlite: { path: join(sub, 'connector.db') } },
      offers: [],
      identity: { dcp: {
        stsUrl: 'http://127.0.0.1:1/sts/token', stsClient: { idFile: join(sub, 'client-id'), secretFile: join(sub, 'client-secret') },
        trustList: { file: join(sub, 'trust-list.jwt'), refreshSeconds: 1, anchor: { did: ANCHOR, jurisdiction: 'JP', keysFile: join(sub, 'anchor-keys.json') } },
      } },
    }, 'test');
    const { connector, store } = await startFromConfig(config, silentLogger);
    const readiness = async () => {
      const response = await fetch(`http://127.0.0.1:${metrics}/readyz`);
      return { status: response.status, body: (await response.json()) as { reason?: string } };
    };
    const until = async (want: (r: Awaited<ReturnType<typeof readiness>>) => boolean, what: string) => {
      const deadline = Date.now() + 10_000;
      let last = await readiness();
      while (!want(last)) {
        if (Date.now() > deadline) throw new Error(`${what} not seen within 10 s; last /readyz: ${JSON.stringify(last)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        last = await readiness();
      }
      return last;
    };
    try {
      expect((await readiness()).status).toBe(200);
      const expired = await until((r) => r.status === 503, 'not ready after expiry');
      expect(expired.body.reason).toMatch(/^the trust list of did:web:anchor\.jp\.example expired at /);
      writeFileSync(join(sub, 'trust-list.jwt'), await issue(86_400_000));
      await until((r) => r.status === 200, 'ready after the refresh');
    } finally {
      await connector.stop();
      await store.close();
    }
  });
});
