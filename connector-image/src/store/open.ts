import { SqlConnectorStore } from './sql-store.js';
import { openPostgresDriver, type PostgresOptions } from './postgres-driver.js';
import { openSqliteDriver } from './sqlite-driver.js';
import type { ConnectorStore } from './store.js';

export type StoreConfig = { sqlite: { path: string } } | { postgres: PostgresOptions };

/** Opens (and migrates) the configured store: SQLite by default, PostgreSQL when configured. */
export async function openStore(config: StoreConfig): Promise<ConnectorStore> {
  const driver = 'postgres' in config ? openPostgresDriver(config.postgres) : openSqliteDriver(config.sqlite);
  try {
    return await SqlConnectorStore.open(driver);
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
}
