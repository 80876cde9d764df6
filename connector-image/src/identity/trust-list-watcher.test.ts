// The trust list the operator refreshes in place: a new valid list is taken without a restart, a list
// the pinned keys do not verify (or an older one) is refused and the last good one stays, and an expired
// list makes the connector not ready. Files are replaced the way kubelet does (a new file renamed over).
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, issueTrustList, type KeyPair } from '@musubi/core/trust';
import type { LogFields, Logger } from '@musubi/core/logging';
import { TrustListWatcher } from './trust-list-watcher.js';

const ANCHOR = 'did:web:anchor.jp.example';
const EU = 'did:web:anchor.eu.example';
const HOUR = 3_600_000;

function recordingLogger(lines: Array<{ level: string; msg: string; fields?: LogFields }>): Logger {
  const logger: Logger = {
    debug: (msg, fields) => void lines.push({ level: 'debug', msg, ...(fields && { fields }) }),
    info: (msg, fields) => void lines.push({ level: 'info', msg, ...(fields && { fields }) }),
    warn: (msg, fields) => void lines.push({ level: 'warn', msg, ...(fields && { fields }) }),
    error: (msg, fields) => void lines.push({ level: 'error', msg, ...(fields && { fields }) }),
    child: () => logger,
  };
  return logger;
}

describe('the watched trust list', () => {
  let dir: string;
  let anchorKey: KeyPair;
  let euKey: KeyPair;
  let now: number;
  const lines: Array<{ level: string; msg: string; fields?: LogFields }> = [];

  const list = async (signer: KeyPair, issuedAt: number, validForMs: number, recognise = false) => issueTrustList({
    anchorKey: signer, jurisdiction: 'JP', keys: [{ ...signer.publicJwk, kid: signer.kid }],
    recognises: recognise ? [{ did: EU, jurisdiction: 'EU', keys: [{ ...euKey.publicJwk, kid: euKey.kid }], trustListFetchedAt: new Date(issuedAt).toISOString(), maxStalenessSeconds: 3600 }] : [],
    validFrom: new Date(issuedAt), validUntil: new Date(issuedAt + validForMs),
  });
  const publish = (jwt: string) => {
    const next = join(dir, '..data_tmp');
    writeFileSync(next, jwt);
    renameSync(next, join(dir, 'trust-list.jwt'));
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'musubi-trust-list-'));
    anchorKey = (await generateKeyPair({ algorithm: 'Ed25519' })).forDid(ANCHOR, 'key-1');
    euKey = (await generateKeyPair({ algorithm: 'Ed25519' })).forDid(EU, 'key-1');
    writeFileSync(join(dir, 'anchor-keys.json'), JSON.stringify([{ ...anchorKey.publicJwk, kid: anchorKey.kid }]));
    now = Date.parse('2026-03-01T00:00:00Z');
    lines.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const watcher = () => new TrustListWatcher({
    file: join(dir, 'trust-list.jwt'), keysFile: join(dir, 'anchor-keys.json'), anchor: { did: ANCHOR, jurisdiction: 'JP' },
    intervalMs: 60_000, log: recordingLogger(lines), clock: () => new Date(now),
  });

  test('a refreshed list replaces the current one: a newly recognised anchor is accepted without a restart', async () => {
    publish(await list(anchorKey, now - 60_000, 24 * HOUR));
    const watched = await watcher().start();
    try {
      expect(watched.notReadyReason()).toBeUndefined();
      expect(() => watched.current?.trustStore.assertAcceptable(EU)).toThrow(/neither this dataspace's trust anchor nor an anchor it recognises/);
      now += 5 * 60_000;
      publish(await list(anchorKey, now, 24 * HOUR, true));
      await watched.check();
      expect(watched.current?.trustStore.assertAcceptable(EU)).toMatchObject({ did: EU, jurisdiction: 'EU' });
      expect(lines.map((l) => l.msg)).toEqual(['trust list loaded', 'trust list replaced']);
    } finally {
      watched.stop();
    }
  });

  test('a list signed by another key, or older than the one in use, is refused and the last good one stays', async () => {
    publish(await list(anchorKey, now - 60_000, 24 * HOUR, true));
    const watched = await watcher().start();
    try {
      const good = watched.current;
      const impostor = (await generateKeyPair({ algorithm: 'Ed25519' })).forDid(ANCHOR, 'key-1');
      publish(await list(impostor, now, 24 * HOUR));
      await watched.check();
      expect(watched.current).toBe(good);
      expect(lines.at(-1)).toMatchObject({ level: 'warn', msg: 'new trust list refused; the previous one stays in use', fields: { reason: expect.stringMatching(/signature|key/i) } });
      publish(await list(anchorKey, now - 2 * HOUR, 24 * HOUR));
      await watched.check();
      expect(watched.current).toBe(good);
      expect(lines.at(-1)?.fields?.reason).toMatch(/an older list never replaces a newer one/);
      publish('not a jwt');
      await watched.check();
      await watched.check();
      expect(lines.filter((l) => l.level === 'warn')).toHaveLength(3); // one warning per bad content, not per poll
      expect(watched.notReadyReason()).toBeUndefined();
    } finally {
      watched.stop();
    }
  });

  test('an expired list makes the connector not ready until a fresh one appears', async () => {
    publish(await list(anchorKey, now - 60_000, 2 * HOUR));
    const watched = await watcher().start();
    try {
      now += 3 * HOUR;
      await watched.check();
      expect(watched.notReadyReason()).toMatch(/^the trust list of did:web:anchor\.jp\.example expired at 2026-03-01T01:59:00\.000Z/);
      publish(await list(anchorKey, now, 24 * HOUR));
      await watched.check();
      expect(watched.notReadyReason()).toBeUndefined();
    } finally {
      watched.stop();
    }
  });

  test('no valid list at start: the connector starts, not ready, and says why', async () => {
    publish(await list((await generateKeyPair({ algorithm: 'Ed25519' })).forDid(ANCHOR, 'key-1'), now, 24 * HOUR));
    const watched = await watcher().start();
    try {
      expect(watched.current).toBeUndefined();
      expect(watched.notReadyReason()).toMatch(/^no valid trust list of did:web:anchor\.jp\.example in .*trust-list\.jwt \(/);
      expect(lines.at(-1)).toMatchObject({ level: 'warn', msg: 'trust list refused; callers cannot be verified until a valid one appears' });
    } finally {
      watched.stop();
    }
  });
});
