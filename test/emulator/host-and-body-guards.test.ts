// The emulator answers only requests whose Host is an IP address, localhost, its own host or an
// allowed name (DNS rebinding: a page on evil.example re-pointed at 127.0.0.1 must not read chats),
// HTTP and WebSocket alike; it warns at start when it listens beyond loopback; and its own JSON body
// parser keeps fastify's prototype-poisoning guard. Real HTTP and WebSockets on 127.0.0.1.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { createChat, GUEST, http, startTestEmulator } from './helpers.ts';
import { assertErrorBody } from './platform-helpers.ts';

/** A GET with a Host header of our choosing (fetch does not let one set it). */
function getWithHost(
  emulator: RunningEmulator,
  path: string,
  host: string,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: emulator.port, path, method: 'GET', headers: { host } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

let emulator: RunningEmulator;
before(async () => {
  emulator = await startTestEmulator({ allowedHosts: ['genesys-emulator.internal'] });
});
after(() => emulator.close());

describe('Host check (DNS rebinding)', () => {
  test('a foreign host name is 403 on the agent and the guest API; IPs, localhost and allowed names pass', async () => {
    const port = emulator.port;
    for (const host of [
      `evil.example:${port}`,
      'evil.example',
      `127.0.0.1.nip.io:${port}`,
      'localhost.evil.example',
    ]) {
      const agent = await getWithHost(emulator, '/emulator/v1/conversations', host);
      assert.equal(agent.status, 403, host);
      assert.equal(agent.body.error.code, 'host_not_allowed');
      const guest = await getWithHost(emulator, `${GUEST}/abc/members/def`, host);
      assert.equal(guest.status, 403, host);
      assert.equal(guest.body.code, 'host.not.allowed');
    }
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      'LOCALHOST',
      `[::1]:${port}`,
      `app.localhost:${port}`,
      '10.0.0.7',
      `genesys-emulator.internal:${port}`,
    ])
      assert.equal((await getWithHost(emulator, '/emulator/v1/conversations', host)).status, 200, host);
  });

  test("a guest's event stream opened with a foreign Host is refused before the upgrade", async () => {
    const chat = await createChat(emulator);
    const refused = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(chat.eventStreamUri, { headers: { host: 'evil.example' } });
      socket.once('unexpected-response', (req, res) => {
        req.destroy();
        resolve(res.statusCode ?? 0);
      });
      socket.once('open', () => reject(new Error('opened')));
      socket.once('error', () => undefined);
    });
    assert.equal(refused, 403);
    const ok = new WebSocket(chat.eventStreamUri);
    await new Promise<void>((resolve, reject) => {
      ok.once('open', () => resolve());
      ok.once('error', reject);
    });
    ok.close();
  });
});

describe('JSON bodies keep the prototype-poisoning guard', () => {
  for (const raw of ['{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}']) {
    test(`${raw} is a 400 on both APIs and pollutes nothing`, async () => {
      assertErrorBody(await http(emulator, 'POST', GUEST, { raw }), 400, 'bad.request');
      const agent = await http(emulator, 'POST', '/emulator/v1/conversations/none/agent/messages', { raw });
      assert.equal(agent.status, 400, agent.text);
      assert.equal((agent.body as { error: { code: string } }).error.code, 'malformed_json');
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    });
  }
});

describe('a warning when listening beyond loopback', () => {
  const commandModule = fileURLToPath(new URL('../../src/cli/emulator-command.ts', import.meta.url));
  async function startCli(args: string[]): Promise<{ stderr: string; stop: () => Promise<number | null> }> {
    const script = `import { emulatorCommand } from ${JSON.stringify(commandModule)};
await emulatorCommand().exitOverride().parseAsync(${JSON.stringify(args)}, { from: 'user' });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}${err}`)), 20_000);
      child.stdout.on('data', () => {
        const m = /emulator: (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    assert.equal((await fetch(`${url}/emulator/v1/healthz`)).status, 200);
    return {
      stderr: err,
      stop: () => {
        child.kill('SIGTERM');
        return exited;
      },
    };
  }

  test('--host 0.0.0.0 warns on stderr; --host 127.0.0.1 does not', async () => {
    const open = await startCli(['--host', '0.0.0.0', '--port', '0']);
    assert.match(open.stderr, /warning: the emulator listens on 0\.0\.0\.0, beyond loopback/);
    assert.equal(await open.stop(), 0);
    const local = await startCli(['--host', '127.0.0.1', '--port', '0']);
    assert.doesNotMatch(local.stderr, /warning/);
    assert.equal(await local.stop(), 0);
  });
});
