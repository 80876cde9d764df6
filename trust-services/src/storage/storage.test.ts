import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { JsonLinesFile, JsonStateFile, PersistentReplayGuard, writeFileAtomic } from './index.js';

describe('durable storage', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'musubi-storage-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('atomic writes replace the file and leave no temporary files behind', () => {
    const path = join(dir, 'state.json');
    writeFileAtomic(path, '{"a":1}');
    writeFileAtomic(path, '{"a":2}');
    expect(readFileSync(path, 'utf8')).toBe('{"a":2}');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  test('a damaged state file is refused with the field that is wrong', () => {
    const file = new JsonStateFile(join(dir, 'requests.json'), z.record(z.string(), z.object({ state: z.enum(['RECEIVED', 'ISSUED']) })));
    expect(file.load({})).toEqual({});
    writeFileSync(file.path, JSON.stringify({ r1: { state: 'LOST' } }));
    expect(() => file.load({})).toThrow(/requests\.json is damaged at r1\.state/);
    writeFileSync(file.path, '{ not json');
    expect(() => file.load({})).toThrow(/is not JSON/);
  });

  test('a torn last line of an append-only log is cut off on load', () => {
    const log = new JsonLinesFile(join(dir, 'log.jsonl'));
    log.append({ seq: 0 });
    log.append({ seq: 1 });
    appendFileSync(log.path, '{"seq":2,"hal');
    expect(log.load()).toEqual({ entries: [{ seq: 0 }, { seq: 1 }], truncatedBytes: 13 });
    expect(readFileSync(log.path, 'utf8')).toBe('{"seq":0}\n{"seq":1}\n');
  });

  test('the replay guard remembers token ids across a restart until they expire', () => {
    let now = 1_000_000;
    const path = join(dir, 'replay.json');
    const guard = new PersistentReplayGuard(path, { now: () => now });
    expect(guard.claim('did:web:a|jti-1', new Date(now + 60_000))).toBe(true);
    const restarted = new PersistentReplayGuard(path, { now: () => now });
    expect(restarted.claim('did:web:a|jti-1', new Date(now + 60_000))).toBe(false);
    now += 120_000;
    expect(new PersistentReplayGuard(path, { now: () => now }).claim('did:web:a|jti-1', new Date(now + 60_000))).toBe(true);
  });

  test('a full replay guard refuses new tokens rather than forgetting live ones', () => {
    const guard = new PersistentReplayGuard(join(dir, 'replay.json'), { maxEntries: 2, now: () => 0 });
    guard.claim('a', new Date(10_000));
    guard.claim('b', new Date(10_000));
    expect(() => guard.claim('c', new Date(10_000))).toThrow(expect.objectContaining({ reason: 'ReplayCacheFull' }));
  });
});
