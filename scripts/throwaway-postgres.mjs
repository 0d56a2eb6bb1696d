// A throwaway PostgreSQL cluster from the server binaries on the machine (Debian's postgresql
// package): initdb into a temporary directory, a free port on 127.0.0.1, gone again with `stop()`.
// The test command (scripts/test.mjs) starts one with durability off (the suite tests behaviour,
// not the disk); the benchmark (bench/postgres.ts) starts a durable one — fsync, synchronous commit
// and full-page writes at PostgreSQL's defaults — since what it measures is a commit that survives a
// power cut, as SQLite's synchronous=FULL does.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The directory holding initdb and pg_ctl (Debian's pg_config may name the client bindir instead). */
function serverBinaries() {
  const bindir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  if (existsSync(join(bindir, 'initdb'))) return bindir;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((v) => join(base, v, 'bin')).find((d) => existsSync(join(d, 'initdb'))) ?? bindir;
}

/**
 * Starts a cluster and resolves to its URL (`postgres://postgres@127.0.0.1:<port>/postgres`, trust
 * authentication) and a `stop()` that removes it. `durable: false` turns fsync, synchronous commit
 * and full-page writes off.
 */
export async function startThrowawayPostgres({ durable = false } = {}) {
  const serverBin = serverBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'gh-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  // initdb refuses to run as root: as root, the postgres user runs the binaries.
  const asPostgres = process.getuid?.() === 0;
  const run = (cmd, args) => {
    const r = asPostgres
      ? spawnSync('runuser', ['-u', 'postgres', '--', join(serverBin, cmd), ...args], { encoding: 'utf8' })
      : spawnSync(join(serverBin, cmd), args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  };
  mkdirSync(data);
  if (asPostgres) spawnSync('chown', ['-R', 'postgres:postgres', dir]);
  try {
    run('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      ...(durable ? [] : ['--no-sync']),
    ]);
    const settings = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c max_connections=200',
      ...(durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    ];
    run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', settings.join(' '), 'start']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let stopped = false;
  // The server's process id: the first line of its postmaster.pid (the benchmark reads its I/O).
  const serverPid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    serverPid,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
