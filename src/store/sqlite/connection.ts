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

/** Pages the WAL holds before a commit copies them back into the database file. */
const WAL_CHECKPOINT_PAGES = 10_000;

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
    // The WAL is copied back into the file (a checkpoint: every page it holds written again, then
    // an fsync) after 10,000 pages, not SQLite's 1,000. A busy chat's pages — its row, the tails of
    // its events, lines and outbox rows — are written into the WAL at every message; a checkpoint
    // writes each page once, however often it changed since the last one. At 1,000 pages a relay of
    // 100 busy chats checkpointed every second or third batch; at 10,000 the writer spent 10–15 %
    // less CPU (bench/README.md, "Round eight"). The WAL file grows to ~40 MB and stays that size.
    if (!inMemory) db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
    // Several processes (CLI admin commands beside the gateway) may share the file.
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
    db.pragma('foreign_keys = ON');
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
