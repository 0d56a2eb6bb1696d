// With request logging on, the emulator's logs never show a guest JWT (the event-stream path embeds it).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

const script = `
import WebSocket from 'ws';
import { startEmulator } from './src/emulator/index.ts';
const emu = await startEmulator({ logger: true });
const res = await fetch(emu.url + '/api/v2/webchat/guest/conversations', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ organizationId: 'o', deploymentId: 'd', routingTarget: { targetType: 'QUEUE', targetAddress: 'Support' }, memberInfo: { displayName: 'Log' } }),
});
const chat = await res.json();
const ws = new WebSocket(chat.eventStreamUri);
await new Promise((r) => ws.on('open', r));
await fetch(emu.url + '/api/v2/webchat/guest/conversations/' + chat.id + '/members/' + chat.member.id, { headers: { authorization: 'Bearer ' + chat.jwt } });
ws.close();
await emu.close();
process.stderr.write('JWT=' + chat.jwt + '\\n');
`;

test('request logs show paths with the token cut out and no Authorization header', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: new URL('../..', import.meta.url).pathname,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, err);
  const jwt = /JWT=(\S+)/.exec(err)?.[1];
  assert.ok(jwt && jwt.length > 20, err);
  assert.ok(out.includes('/v1/token/[REDACTED]'), 'the stream request was logged, redacted');
  assert.ok(out.includes('"method":"GET"'), 'requests were logged');
  assert.ok(!out.includes(jwt), 'no JWT in the logs');
  assert.ok(!/authorization/i.test(out), 'no Authorization header in the logs');
});
