#!/usr/bin/env node
// The README's test command (`npm test`). It brings what the suite needs by itself:
//  - a throwaway PostgreSQL cluster from the binaries on the machine (unless DATABASE_URL is set),
//    started only when a PostgreSQL test file exists;
//  - Debian's chromium via apt when browser tests exist and no browser is installed.
//  - curl and jq via apt when the README walkthrough test runs and they are missing.
// Then it runs every *.test.ts file with node's own test runner (TAP on stdout: CI reads `# pass`/`# fail`),
// and names every failed test once more right before those closing lines (scripts/tap-failures.mjs).
// Usage: npm test [-- <file or folder filter>...]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { TapFailures } from './tap-failures.mjs';
import { startThrowawayPostgres } from './throwaway-postgres.mjs';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function listTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listTests(full));
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

const all = [...listTests(join(root, 'src')), ...listTests(join(root, 'test'))].sort();
const files = filters.length ? all.filter((f) => filters.some((p) => f.includes(p))) : all;
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ') || '(all)'}`);
  process.exit(1);
}

const env = { ...process.env };
const cleanups = [];

function ensureChromium() {
  const found = spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  console.error('# chromium not found: installing Debian\'s chromium with apt-get');
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit' });
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (update.status !== 0 || install.status !== 0) throw new Error('could not install chromium with apt-get');
  return spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).stdout.trim();
}

function ensureCommands(names) {
  const missing = names.filter((n) => !spawnSync('sh', ['-c', `command -v ${n}`]).stdout.length);
  if (missing.length === 0) return;
  console.error(`# ${missing.join(', ')} not found: installing with apt-get`);
  spawnSync('apt-get', ['update'], { stdio: 'inherit' });
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (install.status !== 0) throw new Error(`could not install ${missing.join(', ')} with apt-get`);
}

try {
  if (!env.DATABASE_URL && files.some((f) => /postgres/i.test(f))) {
    const pg = await startThrowawayPostgres({ durable: false });
    cleanups.push(() => pg.stop());
    env.DATABASE_URL = pg.url;
    console.error(`# throwaway PostgreSQL at ${env.DATABASE_URL}`);
  }
  if (files.some((f) => f.startsWith('test/browser/'))) {
    env.CHROMIUM_PATH ||= ensureChromium();
  }
  // The README's curl walkthrough (test/e2e/readme-walkthrough) needs curl and jq, as a reader does.
  if (files.some((f) => f.includes('readme-walkthrough'))) ensureCommands(['curl', 'jq']);
} catch (err) {
  console.error(`# test setup failed: ${err.message}`);
  for (const c of cleanups) c();
  process.exit(1);
}

const args = [
  '--import', 'tsx',
  '--test',
  '--test-reporter=tap',
  `--test-concurrency=${env.TEST_CONCURRENCY ?? 2}`,
  '--test-timeout=300000',
  ...files,
];
const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['inherit', 'pipe', 'inherit'] });
const forward = (sig) => child.kill(sig);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);

// Lines pass straight through until the closing summary, which is held back until the digest of
// failures is printed before it: `# pass`/`# fail` stay the last lines.
const failures = new TapFailures();
const closing = [];
const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (closing.length > 0 || failures.push(line)) closing.push(line);
  else process.stdout.write(`${line}\n`);
});
const outputDone = new Promise((resolve) => lines.once('close', resolve));

child.on('exit', async (code, signal) => {
  await outputDone;
  for (const line of [...failures.digest(root), ...closing]) process.stdout.write(`${line}\n`);
  for (const c of cleanups) c();
  process.exitCode = code ?? (signal ? 1 : 0);
});
