// The HTTP server's own defences (docs/security.md): slow headers, slow bodies and silent connections
// are cut at their deadlines; connections past the cap are closed on arrival; a 401 or a 413 closes
// the connection. Real sockets on 127.0.0.1; every wait is bounded.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { CoreRig } from '../support/core-rig.ts';
import { RIG_API_KEY, rigApi } from '../support/rig-api.ts';

let rig: CoreRig;
let app: FastifyInstance;
let port: number;

before(async () => {
  rig = await CoreRig.start();
  app = await rigApi(rig, {
    server: { headersTimeoutMs: 500, requestTimeoutMs: 1000, keepAliveTimeoutMs: 500, maxConnections: 4 },
  });
  const url = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
  port = Number(url.port);
});
after(async () => {
  await app.close();
  await rig.shutdown();
});

/** A raw connection: what it received and when it was closed. */
async function open(): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (data += chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => data, closed };
}

/** Resolves true when `closed` settles within `ms` (a bound, not a measurement). */
const closedWithin = (closed: Promise<void>, ms: number) =>
  Promise.race([
    closed.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref()),
  ]);

test('headers that never finish: the connection is cut (408) after the headers deadline', async () => {
  const c = await open();
  c.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
  assert.equal(await closedWithin(c.closed, 8_000), true, 'still open');
  assert.match(c.received(), /^HTTP\/1\.1 408/);
});

test('a connection that sends nothing is cut too', async () => {
  const c = await open();
  assert.equal(await closedWithin(c.closed, 8_000), true, 'still open');
});

test('a body that trickles: cut after the request deadline, even with a valid key', async () => {
  const c = await open();
  c.socket.write(
    `POST /v1/handovers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${RIG_API_KEY}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"endpoint":',
  );
  const timer = setInterval(() => c.socket.write(' '), 200);
  try {
    assert.equal(await closedWithin(c.closed, 8_000), true, 'still open');
  } finally {
    clearInterval(timer);
  }
  assert.doesNotMatch(c.received(), /^HTTP\/1\.1 20/);
});

test('past the connection cap a new connection is closed on arrival; a freed one lets the next in', async () => {
  const held = await Promise.all([open(), open(), open(), open()]);
  for (const h of held) h.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'); // incomplete: they stay
  const extra = await open();
  assert.equal(await closedWithin(extra.closed, 5_000), true, 'a fifth connection was kept');
  assert.equal(extra.received(), '');
  for (const h of held) h.socket.destroy();
  await Promise.all(held.map((h) => h.closed));
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(res.status, 200);
});

test('401 and 413 answers close the connection', async () => {
  const unauth = await fetch(`http://127.0.0.1:${port}/v1/handovers`);
  assert.equal(unauth.status, 401);
  assert.equal(unauth.headers.get('connection'), 'close');
  const big = await fetch(`http://127.0.0.1:${port}/v1/handovers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${RIG_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }),
  });
  assert.equal(big.status, 413);
  assert.equal(big.headers.get('connection'), 'close');
  const ok = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(ok.headers.get('connection'), 'keep-alive');
});
