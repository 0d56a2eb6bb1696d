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

test('Open Messaging flags: OAuth clients, a configured integration, and the printed token URL', async () => {
  const integration = JSON.stringify({
    id: 'cli-integration',
    name: 'CLI bot',
    outboundNotificationWebhookUrl: 'http://127.0.0.1:9/hook',
    outboundNotificationWebhookSignatureSecretToken: 'cli-secret-0123456789',
  });
  const child = runCli([
    '--port',
    '0',
    '--oauth-client',
    'cli-client:cli:secret',
    '--open-integration',
    integration,
    '--flow-response',
    'Hello from the flow',
    '--token-requests-per-minute',
    '50',
  ]);
  let out = '';
  child.stdout.setEncoding('utf8');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no token line printed; output: ${out}`)), 20_000);
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const match =
        /OAuth token: (http:\/\/127\.0\.0\.1:\d+)\/login\/oauth\/token \(clients: cli-client\)\n/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  assert.equal(out.includes('cli:secret'), false, 'no secret in the output');
  const token = await fetch(`${url}/login/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('cli-client:cli:secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  assert.equal(token.status, 200);
  const { access_token } = (await token.json()) as { access_token: string };
  const got = await fetch(`${url}/api/v2/conversations/messaging/integrations/open/cli-integration`, {
    headers: { authorization: `Bearer ${access_token}` },
  });
  assert.equal(got.status, 200);
  assert.equal(((await got.json()) as { createStatus: string }).createStatus, 'Completed');
  const demo = await fetch(`${url}/login/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('emulator-client:emulator-secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  assert.equal(demo.status, 401, 'given clients replace the demo client');
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});

test('bad Open Messaging flags name the flag; --help shows the curl and SDK examples', async () => {
  for (const [args, flag] of [
    [['--oauth-client', 'no-colon'], '--oauth-client'],
    [['--open-integration', '{"name":1}'], '--open-integration'],
    [['--user-start-on', 'later'], '--user-start-on'],
    [['--reject-disconnect-type', 'maybe'], '--reject-disconnect-type'],
  ] as const) {
    const child = runCli([...args]);
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (err += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.notEqual(code, 0);
    assert.match(err, new RegExp(flag));
  }
  const help = runCli(['--help']);
  let out = '';
  help.stdout.setEncoding('utf8');
  help.stdout.on('data', (chunk: string) => (out += chunk));
  await new Promise((resolve) => help.on('exit', resolve));
  assert.match(out, /setGateway/);
  assert.match(out, /integrations\/open/);
  assert.match(out, /emulator-client/);
});
