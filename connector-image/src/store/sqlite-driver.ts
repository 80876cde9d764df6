// Embedded SQLite through better-sqlite3. The library is synchronous and one connection is shared by
// the whole process, so transactions are queued: an async transaction must not see or interleave with
// another one's statements. Work inside a transaction is database work only (no network), so the
// queue stays short.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Row, SqlDriver, SqlQuery } from './sql-driver.js';

export interface SqliteOptions {
  /** File path, or ':memory:' for a throwaway database. */
  path: string;
}

export function openSqliteDriver(options: SqliteOptions): SqlDriver {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  // WAL keeps readers off the writer's back; FULL sync makes a committed agreement survive power loss.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');

  const statements = new Map<string, Database.Statement>();
  const run: SqlQuery = async (sql, params = []) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    const values = params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
    if (statement.reader) return statement.all(...values) as Row[];
    statement.run(...values);
    return [];
  };

  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work, work);
    queue = result.catch(() => undefined);
    return result;
  };

  let closed = false;
  return {
    dialect: 'sqlite',
    transaction: (work) => exclusive(async () => {
      if (closed) throw new Error('the SQLite store is closed');
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(run);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    }),
    query: (sql, params) => exclusive(async () => {
      if (closed) throw new Error('the SQLite store is closed');
      return run(sql, params);
    }),
    close: () => exclusive(async () => {
      if (closed) return;
      closed = true;
      db.close();
    }),
  };
}
