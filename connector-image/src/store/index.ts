// Durable state: the ConnectorStore interface and its SQLite and PostgreSQL implementations.
export type { ConnectorStore, StoreTx, ListFilter } from './store.js';
export { ConcurrentModification } from './store.js';
export * from './records.js';
export { SqlConnectorStore } from './sql-store.js';
export { openSqliteDriver, type SqliteOptions } from './sqlite-driver.js';
export { openPostgresDriver, numberPlaceholders, type PostgresOptions } from './postgres-driver.js';
export { SCHEMA_VERSION } from './migrations.js';
export { openStore, type StoreConfig } from './open.js';
