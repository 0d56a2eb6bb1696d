// The gateway's logger redacts secrets wherever the paths name them — in logged objects and in a
// child's bindings alike — while a request's id (fastify's `reqId` binding) is written as it is.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from '../../src/composition/logger.ts';

const SECRET = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.s1gn4tur3';

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

test('secrets are redacted in logged objects and in bindings; a request id is written as it is', async () => {
  const out = capture();
  const logger = createLogger('info', out.stream);
  // What fastify does per request (on the API's child logger), then a handler logging with it.
  const api = logger.child({}, { serializers: {} });
  const request = api.child({ reqId: 'req-1' });
  request.info({ session: { jwt: SECRET, eventStreamUri: `wss://x/${SECRET}` } }, 'attached');
  request.info({ headers: { authorization: `Bearer ${SECRET}` }, reqId: 'req-2' }, 'called');
  logger.child({ ctx: { secret: SECRET } }).info('bound');
  // A request id that is not a string is not trusted: it goes through the redactor like any value.
  logger.child({ reqId: { key: SECRET } }).info('odd id');
  await new Promise((resolve) => setImmediate(resolve));
  const text = out.lines().map((l) => JSON.stringify(l));
  assert.equal(text.length, 4);
  for (const line of text) assert.ok(!line.includes(SECRET.slice(0, 20)), `secret in: ${line}`);
  const [attached, called, bound, odd] = out.lines();
  assert.equal(attached!.reqId, 'req-1');
  assert.deepEqual(attached!.session, { jwt: '[REDACTED]', eventStreamUri: '[REDACTED]' });
  assert.equal(called!.reqId, 'req-2');
  assert.deepEqual(called!.headers, { authorization: '[REDACTED]' });
  assert.deepEqual(bound!.ctx, { secret: '[REDACTED]' });
  assert.deepEqual(odd!.reqId, { key: '[REDACTED]' });
});
