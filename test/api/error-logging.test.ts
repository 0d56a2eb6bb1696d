// How failed requests are logged: a 500 (a bug) at error level with its error's name; a catalogue
// 5xx that asks the caller to retry (shutting down, not committed, provider unavailable) as a
// warning with its code only; a 4xx not at all. Real HTTP on 127.0.0.1, pino's stream captured.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { installErrorHandling } from '../../src/api/error-handler.ts';
import { GatewayError, type ErrorCode } from '../../src/core/errors.ts';

test('a 500 is an error, a retryable 5xx a warning, a 4xx is not logged as a failure', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  const logger: FastifyBaseLogger = pino({ level: 'info' }, sink);
  const app = Fastify({ loggerInstance: logger });
  installErrorHandling(app);
  app.get<{ Params: { code: string } }>('/fail/:code', (req) => {
    throw new GatewayError(req.params.code as ErrorCode);
  });
  app.get('/bug', () => {
    throw new Error('boom');
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const statuses: number[] = [];
  for (const path of [
    '/fail/SHUTTING_DOWN',
    '/fail/NOT_COMMITTED',
    '/fail/PROVIDER_UNAVAILABLE',
    '/fail/HANDOVER_NOT_FOUND',
    '/bug',
  ])
    statuses.push((await fetch(`${url}${path}`)).status);
  await app.close();
  assert.deepEqual(statuses, [503, 503, 502, 404, 500]);
  const failures = lines
    .map((l) => JSON.parse(l) as { level: number; code?: string; msg: string; err?: { name: string } })
    .filter((l) => l.code !== undefined);
  assert.deepEqual(
    failures.map((l) => [l.level, l.code]),
    [
      [40, 'SHUTTING_DOWN'],
      [40, 'NOT_COMMITTED'],
      [40, 'PROVIDER_UNAVAILABLE'],
      [50, 'INTERNAL'],
    ],
  );
  assert.equal(failures.at(-1)?.err?.name, 'Error');
});
