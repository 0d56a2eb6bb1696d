// The `emulator` CLI command: prints its URL when ready, serves, and exits cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const commandModule = fileURLToPath(new URL('../../src/cli/emulator-command.ts', import.meta.url));

function runCli(args: string[]) {
  const script = `import { emulatorCommand } from ${JSON.stringify(commandModule)};
await emulatorCommand().exitOverride().parseAsync(${JSON.stringify(args)}, { from: 'user' });`;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

test('--port 0 prints "emulator: http://127.0.0.1:<port>", serves, and stops on SIGTERM', async () => {
  const child = runCli([
    '--port',
    '0',
    '--heartbeat-ms',
    '1000',
    '--grace-ms',
    '5000',
    '--auto-agent',
    '--auto-agent-delay-ms',
    '10',
  ]);
  let out = '';
  child.stdout.setEncoding('utf8');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed; output: ${out}`)), 20_000);
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const match = /emulator: (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  const health = await fetch(`${url}/emulator/v1/healthz`);
  assert.equal(health.status, 200);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(out, /emulator: stopped/);
});

test('invalid flags are refused with a message naming the flag', async () => {
  const child = runCli(['--port', 'abc']);
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (err += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.notEqual(code, 0);
  assert.match(err, /--port/);
});
