import { GENESIS_HASH, TransparencyLog, assertChain, entryHash, verifyChain, type TransparencyLogEntry } from './transparency-log.js';
import { TestClock } from './test-fixtures.js';

function logOf(count: number, sink?: (entry: TransparencyLogEntry) => void): TransparencyLog {
  const time = new TestClock();
  const log = new TransparencyLog({ clock: time.clock, ...(sink ? { sink } : {}) });
  for (let i = 0; i < count; i++) {
    log.append({ type: 'CrossBorderAcceptance', verifier: 'did:web:p.example', credentialType: 'LegalPersonCredential', issuer: 'did:web:jp.example', anchorJurisdiction: 'JP', subject: `did:web:c${i}.example` });
    time.advance(1000);
  }
  return log;
}

describe('transparency log', () => {
  test('entries chain from the genesis hash by sha256 over canonical JSON', () => {
    const entries = logOf(3).entries();
    expect(entries.map((e) => e.seq)).toEqual([0, 1, 2]);
    expect(entries[0]?.prevHash).toBe(GENESIS_HASH);
    expect(entries[1]?.prevHash).toBe(entries[0]?.hash);
    expect(entries[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyChain(entries)).toEqual({ valid: true, head: { seq: 2, hash: entries[2]?.hash } });
  });

  test('detects an altered entry, a deletion, a reordering and a forged re-hash', () => {
    const entries = logOf(4).entries().map((e) => JSON.parse(JSON.stringify(e)) as TransparencyLogEntry);
    const altered = entries.map((e, i) => (i === 1 ? { ...e, event: { ...e.event, subject: 'did:web:mallory.example' } } : e));
    expect(verifyChain(altered)).toMatchObject({ valid: false, index: 1, problem: expect.stringContaining('altered') });
    expect(verifyChain([entries[0], entries[2], entries[3]] as TransparencyLogEntry[])).toMatchObject({ valid: false, index: 1, problem: expect.stringContaining('removed') });
    expect(verifyChain([entries[0], entries[2], entries[1], entries[3]] as TransparencyLogEntry[])).toMatchObject({ valid: false, index: 1 });
    expect(verifyChain(entries.slice(1))).toMatchObject({ valid: false, index: 0 });
    // rewriting an entry and fixing its own hash still breaks the next link
    const rehashed = { ...entries[1], time: '2020-01-01T00:00:00.000Z' } as TransparencyLogEntry;
    rehashed.hash = entryHash(rehashed);
    expect(verifyChain([entries[0], rehashed, entries[2], entries[3]] as TransparencyLogEntry[])).toMatchObject({ valid: false, index: 2, problem: expect.stringContaining('prevHash') });
    expect(() => assertChain(altered)).toThrow(/not intact at entry 1/);
  });

  test('entries are frozen copies; the sink sees every entry; a later slice verifies from a checkpoint', () => {
    const persisted: TransparencyLogEntry[] = [];
    const log = logOf(5, (entry) => persisted.push(entry));
    expect(persisted).toHaveLength(5);
    expect(Object.isFrozen(persisted[0])).toBe(true);
    const checkpoint = { seq: persisted[1]!.seq, hash: persisted[1]!.hash };
    expect(verifyChain(persisted.slice(2), checkpoint)).toMatchObject({ valid: true });
    expect(log.head).toEqual({ seq: 4, hash: persisted[4]?.hash });
    const resumed = new TransparencyLog({ head: log.head });
    const next = resumed.append({ type: 'Custom', note: 'resumed' });
    expect(verifyChain([...persisted, next])).toMatchObject({ valid: true });
  });
});
