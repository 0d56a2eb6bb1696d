// The command configured as a container would be: `serve` with no file (the environment alone, HOST
// and PORT), `dead-letters` with only a store (`--store` on the demo's SQLite file), and a port in
// use named with the setting that moves it. Child processes from the sources, 127.0.0.1 only.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { waitFor } from '../support/wait-for.ts';

const cli = new URL('../../scripts/cli-from-source.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'gh-cli-env-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Only what the test gives: no GH__ or HOST/PORT leaking in from the runner's environment. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('GH__') && !['HOST', 'PORT', 'GENESYS_HANDOVER_CONFIG'].includes(k),
    ),
  );
  return { ...env, ...extra };
}

function run(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [cli, ...args], { cwd: dir, env: cleanEnv(env) });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const line = (re: RegExp): Promise<string> =>
    waitFor(() => re.exec(out)?.[1], { timeoutMs: 30_000, intervalMs: 50, what: `${re} in: ${out}` });
  return { child, exited, line, output: () => out };
}

function holdPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

const KEY = 'ghk_RXD3grXZN5sv_fssSfT8MWrttkkSdGtA9xoKEeXQEQc';
const envConfig = {
  HOST: '127.0.0.1',
  PORT: '0',
  GH__apiKeys__0__name: 'bot',
  GH__apiKeys__0__key: KEY,
  GH__apiKeys__0__endpoints: '["*"]',
  GH__endpoints__0__id: 'support',
  GH__endpoints__0__provider: 'genesys-guest-chat',
  GH__endpoints__0__queue: 'Support',
  GH__endpoints__0__genesys__baseUrl: 'http://127.0.0.1:9',
  GH__endpoints__0__genesys__organizationId: 'org',
  GH__endpoints__0__genesys__deploymentId: 'dep',
  GH__store__path: join(dir, 'env.db'),
};

describe('the command configured from the environment', () => {
  test('serve with no file: the environment alone, PORT=0 picks a port; SIGTERM exits 0', async () => {
    const p = run(['serve'], envConfig);
    const url = await p.line(/^gateway: (http:\/\/127\.0\.0\.1:\d+)$/m);
    const list = await fetch(`${url}/v1/handovers`, { headers: { authorization: `Bearer ${KEY}` } });
    assert.equal(list.status, 200);
    p.child.kill('SIGTERM');
    assert.equal(await p.exited, 0, p.output());
  });

  test('serve with nothing configured lists what is missing and exits 2', async () => {
    const p = run(['serve'], {});
    assert.equal(await p.exited, 2);
    assert.match(p.output(), /apiKeys: .*\n.*endpoints: /);
  });

  test('a port in use names the setting that picks another', async () => {
    const held = await holdPort();
    try {
      const p = run(['serve'], { ...envConfig, PORT: String(held.port) });
      assert.equal(await p.exited, 1);
      assert.match(p.output(), new RegExp(`port ${held.port} on 127\\.0\\.0\\.1 is in use .* PORT=<port>`));
      const demo = run(
        [
          'demo',
          '--port',
          '0',
          '--emulator-port',
          String(held.port),
          '--chat-port',
          '0',
          '--data',
          join(dir, 'd.db'),
        ],
        {},
      );
      assert.equal(await demo.exited, 1);
      assert.match(demo.output(), /is in use .*--emulator-port <port>/);
    } finally {
      held.server.close();
    }
  });

  test('dead-letters needs only a store: --store on the demo file, or GH__store__path', async () => {
    const demoDb = join(dir, 'demo.db');
    const demo = run(
      ['demo', '--port', '0', '--emulator-port', '0', '--chat-port', '0', '--data', demoDb],
      {},
    );
    await demo.line(/^(api key): /m);
    const listed = run(['dead-letters', 'list', '--store', demoDb], {});
    assert.equal(await listed.exited, 0, listed.output());
    assert.match(listed.output(), /^0 dead letter\(s\)$/m);
    const byEnv = run(['dead-letters', 'replay', '--all'], { GH__store__path: demoDb });
    assert.equal(await byEnv.exited, 0, byEnv.output());
    assert.match(byEnv.output(), /^replayed 0 event\(s\)$/m);
    demo.child.kill('SIGTERM');
    assert.equal(await demo.exited, 0, demo.output());
  });

  test('demo: an export line for the walkthrough, / and /favicon.ico answer, each start a fresh store unless --keep-data', async () => {
    const data = join(dir, 'fresh.db');
    const start = async (extra: string[] = []) => {
      const p = run(
        ['demo', '--port', '0', '--emulator-port', '0', '--chat-port', '0', '--data', data, ...extra],
        {},
      );
      const line = await p.line(/^(export GW=\S+ EMU=\S+ KEY=\S+)$/m);
      const [, gw, emu, key] = /GW=(\S+) EMU=(\S+) KEY=(\S+)/.exec(line)!;
      return { p, gw: gw!, emu: emu!, key: key! };
    };
    const handovers = async (gw: string, key: string): Promise<number> => {
      const r = await fetch(`${gw}/v1/handovers`, { headers: { authorization: `Bearer ${key}` } });
      return ((await r.json()) as { items: unknown[] }).items.length;
    };
    const stop = async (p: ReturnType<typeof run>): Promise<void> => {
      p.child.kill('SIGTERM');
      assert.equal(await p.exited, 0, p.output());
    };

    const first = await start();
    assert.match(first.p.output(), new RegExp(`^gateway: ${first.gw}$`, 'm'));
    assert.match(first.p.output(), new RegExp(`^api key: ${first.key}$`, 'm'));
    const root = (await (await fetch(`${first.gw}/`)).json()) as { api: string; docs?: string };
    assert.equal(root.api, '/v1/handovers');
    // The demo serves /docs and /metrics on an admin port of their own, without a key (server.adminPort).
    const admin = new RegExp(`^api docs: (http://127\\.0\\.0\\.1:\\d+)/docs$`, 'm').exec(
      first.p.output(),
    )?.[1];
    assert.ok(admin && admin !== first.gw, first.p.output());
    assert.equal(root.docs, undefined, 'not on the API port');
    assert.equal((await fetch(`${admin}/docs/json`)).status, 200);
    assert.match(await (await fetch(`${admin}/metrics`)).text(), /genesys_handover_handovers/);
    assert.equal((await fetch(`${first.gw}/metrics`)).status, 404);
    assert.equal((await fetch(`${first.gw}/favicon.ico`)).status, 204);
    const emulatorRoot = (await (await fetch(`${first.emu}/`)).json()) as { console: string };
    assert.equal(emulatorRoot.console, '/console/');
    const started = await fetch(`${first.gw}/v1/handovers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        endpoint: 'demo',
        customer: { userId: 'u', sessionId: 's', displayName: 'Ann' },
      }),
    });
    assert.equal(started.status, 201);
    await stop(first.p);

    const kept = await start(['--keep-data']);
    assert.equal(await handovers(kept.gw, kept.key), 1, 'the previous run is kept with --keep-data');
    await stop(kept.p);

    const fresh = await start();
    assert.equal(await handovers(fresh.gw, fresh.key), 0, 'a plain start begins with a fresh store');
    await stop(fresh.p);
  });
});
