// X-Request-Id: a caller's usable id is honoured, echoed in the answer and on the request's log lines
// (`reqId`); a missing or unusable one (spaces, control characters, over 128 characters) is replaced
// by a UUID the gateway makes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { startGateway } from '../../src/composition/start-gateway.ts';
import { parseConfig } from '../../src/config/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'gh-request-id-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const KEY = 'ghk_Q-rR5uKAlrZHE2UtV7lyjXBjPS0dCMdwdlvBwwZVf0s';

test('x-request-id is honoured, echoed and logged; a bad or missing one is replaced by a UUID', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const config = parseConfig(
    {
      server: { host: '127.0.0.1', port: 0 },
      store: { path: join(dir, 'gw.db') },
      apiKeys: [{ name: 'bot', key: KEY, endpoints: ['*'] }],
      endpoints: [
        {
          id: 'support',
          provider: 'genesys-guest-chat',
          queue: 'Support',
          genesys: { baseUrl: 'http://127.0.0.1:9', organizationId: 'o', deploymentId: 'd' },
        },
      ],
    },
    {},
  );
  const gateway = await startGateway(config, { logger: pino({ level: 'info' }, sink) });
  try {
    const given = await fetch(`${gateway.url}/v1/handovers`, {
      headers: { authorization: `Bearer ${KEY}`, 'x-request-id': 'bot-req-42' },
    });
    assert.equal(given.status, 200);
    assert.equal(given.headers.get('x-request-id'), 'bot-req-42');
    const logged = lines.filter((l) => l['reqId'] === 'bot-req-42');
    assert.ok(logged.length >= 2, JSON.stringify(lines.slice(-4)));

    const none = await fetch(`${gateway.url}/healthz`);
    assert.match(none.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const bad = await fetch(`${gateway.url}/healthz`, { headers: { 'x-request-id': 'x'.repeat(200) } });
    assert.match(bad.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const unauthorized = await fetch(`${gateway.url}/v1/handovers`, {
      headers: { 'x-request-id': 'no-key-1' },
    });
    assert.equal(unauthorized.status, 401);
    assert.equal(unauthorized.headers.get('x-request-id'), 'no-key-1');
  } finally {
    await gateway.close();
  }
});
