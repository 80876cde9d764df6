// The little a store needs from a SQL database, so one implementation of the store's queries serves
// SQLite and PostgreSQL. Queries use `?` placeholders; drivers translate them.

export type Row = Record<string, unknown>;
export type SqlQuery = (sql: string, params?: readonly unknown[]) => Promise<Row[]>;

export interface SqlDriver {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `work` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (query: SqlQuery) => Promise<T>): Promise<T>;
  /** One statement outside an explicit transaction. */
  query: SqlQuery;
  close(): Promise<void>;
}
