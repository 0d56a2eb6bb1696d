#!/usr/bin/env node
// `npm run build`: compiles src/ to dist/ with tsconfig.build.json (JavaScript, declarations, source
// maps) and copies what the servers read from disk next to the code that reads it: the customer web
// chat (src/web → dist/web, served by the demo bot) and the emulator's agent console
// (src/emulator/console → dist/emulator/console). `--clean` removes dist/ first (what `npm pack`
// runs); without it tsc builds incrementally, so `npm start` after a first build takes seconds.
// `--out <dir>` builds there instead of dist/ (the benchmark's own copy, bench/rig.ts: a test that
// cleans dist/ may run beside it).
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const outAt = process.argv.indexOf('--out');
const dist = outAt > 0 && process.argv[outAt + 1] ? join(root, process.argv[outAt + 1]) : join(root, 'dist');

/** Directories of static files, relative to src/ and dist/ alike. */
export const ASSET_DIRS = ['web', 'emulator/console'];

if (process.argv.includes('--clean')) rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(
  process.execPath,
  [
    tsc,
    '-p',
    join(root, 'tsconfig.build.json'),
    '--outDir',
    dist,
    '--tsBuildInfoFile',
    join(dist, '.tsbuildinfo'),
  ],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (result.status !== 0) {
  console.error('build: tsc failed');
  process.exit(result.status ?? 1);
}
for (const dir of ASSET_DIRS) {
  const to = join(dist, dir);
  rmSync(to, { recursive: true, force: true });
  cpSync(join(root, 'src', dir), to, { recursive: true });
}
