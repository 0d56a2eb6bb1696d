// Request logs carry no query string (it may hold customer data); JSON bodies keep Fastify's
// prototype-poisoning guard (`__proto__` / `constructor.prototype` refused with a 400, nothing stored).
// Real HTTP on 127.0.0.1, the log captured from pino's stream.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { CoreRig, ENDPOINT } from '../support/core-rig.ts';
import { RIG_API_KEY, rigApi } from '../support/rig-api.ts';

test('request logs name the path, never the query string; poisoned JSON is a 400', async () => {
  const rig = await CoreRig.start();
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  const app = await rigApi(rig, { logger: pino({ level: 'info' }, sink) });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const auth = { authorization: `Bearer ${RIG_API_KEY}` };
  const listed = await fetch(`${url}/v1/handovers?endpoint=secret-filter-value&cursor=secret-cursor`, {
    headers: auth,
  });
  assert.equal(listed.status, 400, 'the cursor is refused; its text is not logged either');
  const unknown = await fetch(`${url}/no-such-route?email=ada%40example.com`);
  assert.equal(unknown.status, 404);
  const logged = lines.join('');
  assert.match(logged, /"url":"\/v1\/handovers"/);
  assert.match(logged, /"url":"\/no-such-route"/);
  for (const secret of [
    'secret-filter-value',
    'secret-cursor',
    'ada%40example.com',
    'ada@example.com',
    RIG_API_KEY,
  ])
    assert.ok(!logged.includes(secret), `${secret} in ${logged}`);

  for (const payload of [
    `{"endpoint":"${ENDPOINT}","customer":{"userId":"u","sessionId":"s"},"__proto__":{"polluted":true}}`,
    `{"endpoint":"${ENDPOINT}","customer":{"userId":"u","sessionId":"s"},"constructor":{"prototype":{"polluted":true}}}`,
  ]) {
    const res = await fetch(`${url}/v1/handovers`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: payload,
    });
    assert.equal(res.status, 400, await res.text());
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  }
  assert.equal((await rig.store.handovers.list({ limit: 10 })).items.length, 0);
  await app.close();
  await rig.shutdown();
});
