// Opening the SQLite file with the pragmas the store relies on.
import Database from 'better-sqlite3';
import { preparePrivateDatabaseFile } from './private-files.ts';

export interface SqliteOptions {
  /** Database file, or `:memory:` (one private database per store; gone on close). */
  readonly path: string;
  /** How long a write waits for another connection's lock before failing, in ms. Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Called with every SQL statement run (query-plan tests, debugging). Never set in production: it sees values. */
  readonly trace?: (sql: string) => void;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export function openDatabase(options: SqliteOptions): Database.Database {
  const inMemory = options.path === ':memory:' || options.path === '';
  if (!inMemory) preparePrivateDatabaseFile(options.path);
  const db = new Database(
    options.path,
    options.trace ? { verbose: (sql) => options.trace?.(String(sql)) } : {},
  );
  try {
    // WAL: readers never block the writer, and a crash never leaves a half-written transaction.
    if (!inMemory) db.pragma('journal_mode = WAL');
    // FULL (not WAL's usual NORMAL): a commit survives power loss too — "persisted before acknowledged".
    db.pragma('synchronous = FULL');
    // Several processes (CLI admin commands beside the gateway) may share the file.
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
    db.pragma('foreign_keys = ON');
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
