// The SQLite files hold personal data (names, e-mail, phone, message texts) and the Genesys guest
// JWTs: only the gateway's user may read them. Directories the gateway creates are 0700; the database
// file and its -wal and -shm companions are 0600 (SQLite creates the companions with the database
// file's mode, and a file left by an older release is tightened here). An existing directory keeps
// its mode: it may be shared (/var/lib, /tmp) — docs/security.md says to make it private.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the parent directories (0700) and the database file (0600) if missing; tightens existing files. */
export function preparePrivateDatabaseFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!existsSync(path)) closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`])
    if (existsSync(file)) chmodSync(file, PRIVATE_FILE_MODE);
}
