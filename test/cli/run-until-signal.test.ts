// A graceful stop that overruns its hard limit says what it was still waiting for (the demo's stop
// once hung in CI with only "shutdown took longer than 20000 ms" to go on).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

test('a stop past its hard limit exits 1 naming the parts still running', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-shutdown-'));
  try {
    const script = join(dir, 'hangs.mts');
    const runUntilSignal = pathToFileURL(join(import.meta.dirname, '../../src/cli/run-until-signal.ts'));
    const steps = pathToFileURL(join(import.meta.dirname, '../../src/core/concurrency/shutdown-steps.ts'));
    writeFileSync(
      script,
      [
        `import { runUntilSignal } from '${runUntilSignal.href}';`,
        `import { ShutdownSteps } from '${steps.href}';`,
        `const steps = new ShutdownSteps();`,
        `const stop = async () => {`,
        `  await steps.run('engine', async () => undefined);`,
        `  await Promise.all([steps.run('store', () => new Promise(() => {})), steps.run('emulator', () => new Promise(() => {}))]);`,
        `};`,
        // What a server does: something keeps the process alive while the stop hangs.
        `setInterval(() => undefined, 1_000);`,
        // Ready once the signal handlers are in place (runUntilSignal installs them when called): a
        // SIGTERM before that would kill the child outright (exit code null; seen under load).
        `const running = runUntilSignal(stop, { timeoutMs: 300, stopping: () => steps.pending() });`,
        `process.stdout.write('ready\\n');`,
        `await running;`,
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: join(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const ready = await Promise.race([
      new Promise<boolean>((resolve) =>
        child.stdout.on('data', (c: Buffer) => c.toString().includes('ready') && resolve(true)),
      ),
      exited.then(() => false),
    ]);
    assert.ok(ready, stderr);
    child.kill('SIGTERM');
    const code = await exited;
    assert.equal(code, 1, stderr);
    assert.match(stderr, /^SIGTERM: shutting down$/m);
    assert.match(stderr, /^shutdown took longer than 300 ms; still waiting for: store, emulator; exiting$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
