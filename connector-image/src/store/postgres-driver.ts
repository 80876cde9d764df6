// PostgreSQL through node-postgres: what lets several connector replicas share negotiations,
// agreements, transfers and the outbox. Rows are locked with SELECT ... FOR UPDATE inside transactions;
// a transaction that loses a serialization or deadlock race is retried a bounded number of times.
import pg from 'pg';
import type { Row, SqlDriver, SqlQuery } from './sql-driver.js';

export interface PostgresOptions {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  ssl?: boolean;
  maxConnections?: number;
}

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 3;

/** `?` placeholders to `$1`, `$2`, ...; the store's SQL has no `?` inside string literals. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export function openPostgresDriver(options: PostgresOptions): SqlDriver {
  const pool = new pg.Pool({
    host: options.host,
    port: options.port,
    database: options.database,
    user: options.user,
    password: options.password,
    ssl: options.ssl ? { rejectUnauthorized: true } : undefined,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const on = (client: pg.PoolClient | pg.Pool): SqlQuery => async (sql, params = []) => {
    const result = await client.query(numberPlaceholders(sql), params as unknown[]);
    return result.rows as Row[];
  };
  return {
    dialect: 'postgres',
    async transaction(work) {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await work(on(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          const code = (error as { code?: unknown }).code;
          if (attempt < MAX_ATTEMPTS && typeof code === 'string' && RETRYABLE.has(code)) continue;
          throw error;
        } finally {
          client.release();
        }
      }
    },
    query: on(pool),
    close: () => pool.end(),
  };
}
