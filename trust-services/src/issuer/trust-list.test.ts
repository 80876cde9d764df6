import { generateKeyPair, type RecognisedAnchorEntry } from '@musubi/core/trust';
import { ManualClock } from '../testing/harness.js';
import { TrustListPublisher } from './trust-list.js';

const HOUR = 3600_000;
const EU = 'did:web:eu-anchor.example';

async function publisher(entries: () => RecognisedAnchorEntry[]) {
  const clock = new ManualClock(new Date('2026-03-01T00:00:00Z'));
  const key = (await generateKeyPair()).forDid('did:web:jp-anchor.example');
  const list = new TrustListPublisher({ key, jurisdiction: 'JP', validityMs: 24 * HOUR, clock: clock.clock, recognition: { publishedEntries: entries } });
  return { clock, list };
}

function recognitionOf(fetchedAt: Date, overrides: Partial<RecognisedAnchorEntry> = {}): RecognisedAnchorEntry {
  return { did: EU, jurisdiction: 'EU', keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'eu-key', kid: `${EU}#k1` }], trustListFetchedAt: fetchedAt.toISOString(), maxStalenessSeconds: 24 * 3600, ...overrides };
}

test('a refresh that changes only when the recognised list was fetched keeps the signed list', async () => {
  let entry = recognitionOf(new Date('2026-03-01T00:00:00Z'));
  const { clock, list } = await publisher(() => [entry]);
  const first = await list.current();
  clock.advance(HOUR);
  entry = recognitionOf(clock.now);
  expect((await list.current()).jwt).toBe(first.jwt);
});

test('a change of what the list says (a recognition appears, its keys or mappings change) re-signs at once', async () => {
  let entries: RecognisedAnchorEntry[] = [];
  const { clock, list } = await publisher(() => entries);
  const empty = await list.current();
  clock.advance(100);
  entries = [recognitionOf(clock.now)];
  const recognised = await list.current();
  expect(recognised.jwt).not.toBe(empty.jwt);
  entries = [recognitionOf(clock.now, { attributeMapping: [{ from: 'eu-vat', to: 'vatID' }] })];
  expect((await list.current()).jwt).not.toBe(recognised.jwt);
});

test('re-signs once less than a third of its own validity is left', async () => {
  const { clock, list } = await publisher(() => []);
  const first = await list.current();
  clock.advance(15 * HOUR);
  expect((await list.current()).jwt).toBe(first.jwt);
  clock.advance(2 * HOUR); // 7 h of 24 h left
  const renewed = await list.current();
  expect(renewed.jwt).not.toBe(first.jwt);
  expect(renewed.validUntil.getTime()).toBe(clock.now.getTime() + 24 * HOUR);
});

test('re-signs when the freshness it vouches for runs out and a fresher fetch is known', async () => {
  const start = new Date('2026-03-01T00:00:00Z');
  let entry = recognitionOf(start, { maxStalenessSeconds: 6 * 3600 });
  const { clock, list } = await publisher(() => [entry]);
  const first = await list.current();
  clock.advance(3 * HOUR); // half of the 6 h staleness allowance left: still fine
  entry = recognitionOf(clock.now, { maxStalenessSeconds: 6 * 3600 });
  expect((await list.current()).jwt).toBe(first.jwt);
  clock.advance(HOUR + 1); // less than a third left
  entry = recognitionOf(clock.now, { maxStalenessSeconds: 6 * 3600 });
  expect((await list.current()).jwt).not.toBe(first.jwt);
});

test('without a fresher fetch the aging entry is left as it is (re-signing would not make it fresher)', async () => {
  const entry = recognitionOf(new Date('2026-03-01T00:00:00Z'), { maxStalenessSeconds: 6 * 3600 });
  const { clock, list } = await publisher(() => [entry]);
  const first = await list.current();
  clock.advance(5 * HOUR);
  expect((await list.current()).jwt).toBe(first.jwt);
});
