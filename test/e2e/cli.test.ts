// The `genesys-handover` command as a user runs it: a child process, its printed lines, its exit code.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { waitFor } from '../support/wait-for.ts';

const bin = new URL('../../scripts/cli-from-source.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'gh-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, GH_TEST: '1' } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

function waitForLine(output: () => string, re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  return waitFor(() => re.exec(output()), { timeoutMs, intervalMs: 50, what: `a line matching ${re}` }).catch(
    () => {
      throw new Error(`no line matching ${re} in:\n${output()}`);
    },
  );
}

describe('genesys-handover command', () => {
  test('demo prints gateway, emulator, endpoint and api key, serves them, and stops cleanly on SIGTERM', async () => {
    const p = run([
      'demo',
      '--port',
      '0',
      '--emulator-port',
      '0',
      '--chat-port',
      '0',
      '--data',
      join(dir, 'demo.db'),
    ]);
    const key = (await waitForLine(p.output, /^api key: (\S+)$/m))[1]!;
    const gateway = (await waitForLine(p.output, /^gateway: (http:\/\/127\.0\.0\.1:\d+)$/m))[1]!;
    const emulator = (await waitForLine(p.output, /^emulator: (http:\/\/127\.0\.0\.1:\d+)$/m))[1]!;
    assert.match(p.output(), /^endpoint: demo$/m);
    const started = await fetch(`${gateway}/v1/handovers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        endpoint: 'demo',
        customer: { userId: 'u', sessionId: 's', displayName: 'CLI' },
      }),
    });
    assert.equal(started.status, 201);
    assert.equal((await fetch(`${emulator}/emulator/v1/conversations`)).status, 200);
    p.child.kill('SIGTERM');
    assert.equal(await p.exited, 0, p.output());
  });

  test('serve with a bad config lists every problem and exits 2', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'apiKeys:\n  - name: k\n    key: short\n    endpoints: [nowhere]\nendpoints: []\n');
    const p = run(['serve', '--config', file]);
    assert.equal(await p.exited, 2);
    assert.match(p.output(), /invalid configuration/);
    assert.match(p.output(), /apiKeys\.0\.key/);
    assert.match(p.output(), /endpoints/);
    assert.match(p.output(), /unknown endpoint "nowhere"/);
  });

  test('emulator --port 0 prints its URL and answers', async () => {
    const p = run(['emulator', '--port', '0']);
    const url = (await waitForLine(p.output, /emulator: (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    assert.equal((await fetch(`${url}/emulator/v1/healthz`)).status, 200);
    p.child.kill('SIGINT');
    assert.equal(await p.exited, 0);
  });

  test('bad flags are refused with a clear message', async () => {
    const p = run(['emulator', '--port', 'ninety']);
    assert.notEqual(await p.exited, 0);
    assert.match(p.output(), /port/);
  });
});
