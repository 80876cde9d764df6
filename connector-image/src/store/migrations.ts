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
  // 2: pushed data is stored in chunks as it streams in, instead of one body held in memory; data
  // received before is carried over as a single chunk.
  (d) => [
    `CREATE TABLE received_streams (
      transfer_pid TEXT PRIMARY KEY, receiving_attempt TEXT, receiving_since TEXT, attempt TEXT, media_type TEXT,
      bytes BIGINT, sha256 TEXT, received_at TEXT)`,
    `CREATE TABLE received_chunks (
      transfer_pid TEXT NOT NULL, attempt TEXT NOT NULL, seq INTEGER NOT NULL, body ${blob(d)} NOT NULL,
      PRIMARY KEY (transfer_pid, attempt, seq))`,
    `INSERT INTO received_streams (transfer_pid, attempt, media_type, bytes, received_at)
      SELECT transfer_pid, 'migrated', media_type, LENGTH(body), received_at FROM received_data`,
    "INSERT INTO received_chunks (transfer_pid, attempt, seq, body) SELECT transfer_pid, 'migrated', 0, body FROM received_data",
    'DROP TABLE received_data',
  ],
  // 3: push notifications: subscriptions (both roles), events received, and the offer versions the
  // change watcher last saw.
  () => [
    `CREATE TABLE subscriptions (
      local_id TEXT PRIMARY KEY, role TEXT NOT NULL, state TEXT NOT NULL, agreement_id TEXT NOT NULL, dataset_id TEXT NOT NULL,
      counter_party_did TEXT NOT NULL, remote_id TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, version INTEGER NOT NULL,
      doc TEXT NOT NULL)`,
    'CREATE INDEX subscriptions_by_dataset ON subscriptions (role, state, dataset_id)',
    'CREATE INDEX subscriptions_by_remote_id ON subscriptions (counter_party_did, remote_id)',
    'CREATE INDEX subscriptions_by_agreement ON subscriptions (agreement_id, state)',
    `CREATE TABLE notification_events (
      subscription_id TEXT NOT NULL, event_id TEXT NOT NULL, seq BIGINT NOT NULL, received_at TEXT NOT NULL, doc TEXT NOT NULL,
      PRIMARY KEY (subscription_id, event_id))`,
    'CREATE INDEX notification_events_by_seq ON notification_events (subscription_id, seq)',
    `CREATE TABLE offer_versions (
      asset_id TEXT PRIMARY KEY, version TEXT NOT NULL, trigger_kind TEXT NOT NULL, observed_at TEXT NOT NULL, changed_at TEXT NOT NULL)`,
  ],
];

export const SCHEMA_VERSION = MIGRATIONS.length;
const ADVISORY_LOCK = 0x6d757375; // "musu"

/** Brings the schema to `target` (default: the newest this connector knows); returns the version reached. */
export async function migrate(driver: SqlDriver, target: number = MIGRATIONS.length): Promise<number> {
  return driver.transaction(async (query: SqlQuery) => {
    if (driver.dialect === 'postgres') await query('SELECT pg_advisory_xact_lock(?)', [ADVISORY_LOCK]);
    await query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const rows = await query('SELECT MAX(version) AS v FROM schema_migrations');
    const current = Number(rows[0]?.v ?? 0);
    if (current > MIGRATIONS.length) {
      throw new Error(`the database schema is version ${current}, newer than this connector understands (${MIGRATIONS.length}); run a newer connector image`);
    }
    const last = Math.min(target, MIGRATIONS.length);
    for (let version = current + 1; version <= last; version++) {
      for (const statement of (MIGRATIONS[version - 1] as (d: Dialect) => string[])(driver.dialect)) await query(statement);
      await query('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [version, new Date().toISOString()]);
    }
    return Math.max(current, last);
  });
}
