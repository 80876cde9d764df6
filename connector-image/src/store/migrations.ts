// The schema, versioned. Each migration runs once, inside a transaction; PostgreSQL replicas starting
// together serialize on an advisory lock so only one applies it.
import type { SqlDriver, SqlQuery } from './sql-driver.js';

type Dialect = SqlDriver['dialect'];

const autoId = (d: Dialect): string => (d === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT');
const blob = (d: Dialect): string => (d === 'postgres' ? 'BYTEA' : 'BLOB');

const MIGRATIONS: Array<(d: Dialect) => string[]> = [
  (d) => [
    `CREATE TABLE negotiations (
      local_pid TEXT PRIMARY KEY, role TEXT NOT NULL, state TEXT NOT NULL, provider_pid TEXT, consumer_pid TEXT,
      counter_party_did TEXT NOT NULL, dataset_id TEXT NOT NULL, agreement_id TEXT,
      created_at TEXT NOT NULL, updated_at TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL)`,
    'CREATE INDEX negotiations_by_consumer_pid ON negotiations (counter_party_did, consumer_pid)',
    'CREATE INDEX negotiations_by_provider_pid ON negotiations (counter_party_did, provider_pid)',
    'CREATE INDEX negotiations_by_state ON negotiations (role, state)',
    `CREATE TABLE agreements (
      agreement_id TEXT PRIMARY KEY, negotiation_pid TEXT NOT NULL, role TEXT NOT NULL, provider_did TEXT NOT NULL,
      consumer_did TEXT NOT NULL, dataset_id TEXT NOT NULL, created_at TEXT NOT NULL, doc TEXT NOT NULL)`,
    `CREATE TABLE transfers (
      local_pid TEXT PRIMARY KEY, role TEXT NOT NULL, state TEXT NOT NULL, provider_pid TEXT, consumer_pid TEXT,
      agreement_id TEXT NOT NULL, counter_party_did TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
      version INTEGER NOT NULL, doc TEXT NOT NULL)`,
    'CREATE INDEX transfers_by_consumer_pid ON transfers (counter_party_did, consumer_pid)',
    'CREATE INDEX transfers_by_agreement ON transfers (agreement_id, state)',
    `CREATE TABLE outbox (
      id ${autoId(d)}, process_key TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL,
      attempts INTEGER NOT NULL, due_at TEXT NOT NULL, lease_owner TEXT, lease_until TEXT, last_error TEXT,
      created_at TEXT NOT NULL, finished_at TEXT)`,
    'CREATE INDEX outbox_pending ON outbox (status, due_at)',
    'CREATE INDEX outbox_by_process ON outbox (process_key, status, id)',
    `CREATE TABLE audit_log (
      seq BIGINT PRIMARY KEY, at TEXT NOT NULL, process_key TEXT NOT NULL, event TEXT NOT NULL, detail TEXT NOT NULL,
      prev_hash TEXT NOT NULL, hash TEXT NOT NULL)`,
    `CREATE TABLE policy_denials (
      id ${autoId(d)}, at TEXT NOT NULL, process_key TEXT NOT NULL, stage TEXT NOT NULL, consumer_did TEXT NOT NULL,
      dataset_id TEXT NOT NULL, agreement_id TEXT, policy_id TEXT NOT NULL, denials TEXT NOT NULL)`,
    'CREATE INDEX policy_denials_by_process ON policy_denials (process_key)',
    `CREATE TABLE data_tokens (
      token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, transfer_pid TEXT NOT NULL, expires_at TEXT NOT NULL)`,
    'CREATE INDEX data_tokens_by_transfer ON data_tokens (transfer_pid)',
    `CREATE TABLE received_data (
      transfer_pid TEXT PRIMARY KEY, media_type TEXT NOT NULL, body ${blob(d)} NOT NULL, received_at TEXT NOT NULL)`,
    `CREATE TABLE received_messages (
      process_key TEXT NOT NULL, message_hash TEXT NOT NULL, PRIMARY KEY (process_key, message_hash))`,
  ],
];

export const SCHEMA_VERSION = MIGRATIONS.length;
const ADVISORY_LOCK = 0x6d757375; // "musu"

export async function migrate(driver: SqlDriver): Promise<number> {
  return driver.transaction(async (query: SqlQuery) => {
    if (driver.dialect === 'postgres') await query('SELECT pg_advisory_xact_lock(?)', [ADVISORY_LOCK]);
    await query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const rows = await query('SELECT MAX(version) AS v FROM schema_migrations');
    const current = Number(rows[0]?.v ?? 0);
    if (current > MIGRATIONS.length) {
      throw new Error(`the database schema is version ${current}, newer than this connector understands (${MIGRATIONS.length}); run a newer connector image`);
    }
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      for (const statement of (MIGRATIONS[version - 1] as (d: Dialect) => string[])(driver.dialect)) await query(statement);
      await query('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [version, new Date().toISOString()]);
    }
    return MIGRATIONS.length;
  });
}
