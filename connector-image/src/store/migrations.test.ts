// Upgrading a store written by an earlier connector: data pushed before streaming existed (one body
// per transfer) is still readable after the migration to chunked storage, on SQLite and PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCHEMA_VERSION, migrate } from './migrations.js';
import { openPostgresDriver } from './postgres-driver.js';
import { POSTGRES_MISSING, postgresAvailable, startThrowawayPostgres, type ThrowawayPostgres } from './postgres-cluster.test-support.js';
import type { SqlDriver } from './sql-driver.js';
import { SqlConnectorStore } from './sql-store.js';
import { openSqliteDriver } from './sqlite-driver.js';

async function upgradeKeepsPushedData(driver: SqlDriver): Promise<void> {
  expect(await migrate(driver, 1)).toBe(1);
  await driver.query('INSERT INTO received_data (transfer_pid, media_type, body, received_at) VALUES (?, ?, ?, ?)', ['urn:uuid:old', 'text/csv', Buffer.from('a,b\n1,2\n'), '2026-01-01T00:00:00.000Z']);
  const store = await SqlConnectorStore.open(driver);
  try {
    expect(await migrate(driver)).toBe(SCHEMA_VERSION);
    expect(await store.receivedStream('urn:uuid:old')).toEqual({ transferPid: 'urn:uuid:old', attempt: 'migrated', mediaType: 'text/csv', bytes: 8, receivedAt: '2026-01-01T00:00:00.000Z' });
    expect((await store.receivedChunk('urn:uuid:old', 'migrated', 0))?.toString()).toBe('a,b\n1,2\n');
  } finally {
    await store.close();
  }
}

describe('schema migrations', () => {
  test('SQLite: data pushed under schema 1 is readable after upgrading', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'musubi-migrate-'));
    try {
      await upgradeKeepsPushedData(openSqliteDriver({ path: join(dir, 'old.db') }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  if (postgresAvailable()) {
    let server: ThrowawayPostgres | undefined;
    afterAll(() => server?.stop());
    test('PostgreSQL: data pushed under schema 1 is readable after upgrading', async () => {
      server = await startThrowawayPostgres();
      await upgradeKeepsPushedData(openPostgresDriver(server.options));
    }, 60_000);
  } else {
    test.skip(POSTGRES_MISSING, () => undefined);
  }
});
