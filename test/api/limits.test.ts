// Limits per API key and endpoint (docs/security.md): request rate (429 RATE_LIMITED + Retry-After),
// open handovers per key and per endpoint, SSE streams per key and per handover, the longest message,
// and presence notices throttled like typing. Over the core rig (scripted provider, memory store).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { CoreRig, ENDPOINT } from '../support/core-rig.ts';
import { RIG_API_KEY, rigApi, type RigApiOptions } from '../support/rig-api.ts';
import { sleep } from '../support/sleep.ts';
import { waitFor } from '../support/wait-for.ts';

const auth = { authorization: `Bearer ${RIG_API_KEY}` };

async function setUp(options: RigApiOptions): Promise<{ rig: CoreRig; app: FastifyInstance }> {
  const rig = await CoreRig.start();
  return { rig, app: await rigApi(rig, options) };
}

const start = (app: FastifyInstance, userId: string) =>
  app.inject({
    method: 'POST',
    url: '/v1/handovers',
    headers: auth,
    payload: { endpoint: ENDPOINT, customer: { userId, sessionId: 's' } },
  });

test('requests over the rate of a key: 429 RATE_LIMITED with Retry-After; no key, no rate count', async () => {
  const { rig, app } = await setUp({ limits: { requestsPerSecond: 5 } });
  const codes: number[] = [];
  for (let i = 0; i < 8; i += 1)
    codes.push((await app.inject({ method: 'GET', url: '/v1/handovers', headers: auth })).statusCode);
  assert.deepEqual(codes, [200, 200, 200, 200, 200, 429, 429, 429]);
  const limited = await app.inject({ method: 'GET', url: '/v1/handovers', headers: auth });
  assert.equal(limited.statusCode, 429);
  assert.equal(limited.json().error.code, 'RATE_LIMITED');
  assert.match(String(limited.headers['retry-after']), /^\d+$/);
  assert.ok(Number(limited.headers['retry-after']) <= 1);
  // Without a valid key the answer is 401, before any rate is counted.
  const anonymous = await app.inject({ method: 'GET', url: '/v1/handovers' });
  assert.equal(anonymous.statusCode, 401);
  // The window passes: accepted again.
  await sleep(1100);
  assert.equal((await app.inject({ method: 'GET', url: '/v1/handovers', headers: auth })).statusCode, 200);
  await app.close();
  await rig.shutdown();
});

test('open handovers per key: parallel starts past the limit get 429 LIMIT_REACHED; an end frees a slot', async () => {
  const { rig, app } = await setUp({ limits: { openHandovers: 3 } });
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => start(app, `u${i}`)));
  const codes = answers.map((a) => a.statusCode).sort();
  assert.deepEqual(codes, [201, 201, 201, ...Array<number>(9).fill(429)]);
  const refused = answers.find((a) => a.statusCode === 429);
  assert.equal(refused?.json().error.code, 'LIMIT_REACHED');
  const created = answers.filter((a) => a.statusCode === 201).map((a) => a.json().id as string);
  assert.equal(created.length, 3);
  // End one (the agent ends it); after the re-check interval a new start fits.
  const first = created[0]!;
  const userId = answers.find((a) => a.statusCode === 201)!.json().customer.userId as string;
  await rig.until(async () => (await rig.handover(first)).state === 'queued', 'queued');
  rig.provider.conversationOf(userId).agentJoins();
  await rig.until(async () => (await rig.handover(first)).state === 'active', 'active');
  rig.provider.conversationOf(userId).agentEnds();
  await rig.until(async () => (await rig.handover(first)).state === 'ended', 'ended');
  await sleep(1100);
  assert.equal((await start(app, 'u-after')).statusCode, 201);
  assert.equal((await start(app, 'u-over')).statusCode, 429);
  await app.close();
  await rig.shutdown();
});

test('open handovers per endpoint count every key', async () => {
  const { rig, app } = await setUp({ endpointOpenHandovers: 2 });
  const codes = (await Promise.all(['a', 'b', 'c', 'd'].map((u) => start(app, u)))).map((a) => a.statusCode);
  assert.deepEqual(codes.sort(), [201, 201, 429, 429]);
  await app.close();
  await rig.shutdown();
});

test('a message longer than the key allows: 400 VALIDATION_FAILED naming body.text, nothing stored', async () => {
  const { rig, app } = await setUp({ limits: { maxMessageLength: 10 } });
  const { id } = await rig.startHandover();
  const long = await app.inject({
    method: 'POST',
    url: `/v1/handovers/${id}/messages`,
    headers: auth,
    payload: { text: 'x'.repeat(11) },
  });
  assert.equal(long.statusCode, 400);
  assert.equal(long.json().error.code, 'VALIDATION_FAILED');
  assert.deepEqual(long.json().error.details, [
    { path: 'body.text', message: "at most 10 characters (this API key's limit)" },
  ]);
  const ok = await app.inject({
    method: 'POST',
    url: `/v1/handovers/${id}/messages`,
    headers: auth,
    payload: { text: 'x'.repeat(10) },
  });
  assert.equal(ok.statusCode, 202);
  assert.equal((await rig.transcript(id)).filter((l) => l.role === 'customer').length, 1);
  await app.close();
  await rig.shutdown();
});

test('SSE streams per handover and per key: one too many is 429 LIMIT_REACHED; a closed one frees its slot', async () => {
  const { rig, app } = await setUp({ limits: { sseStreamsPerHandover: 2, sseStreams: 3 } });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const [a, b] = [await rig.startHandover('sa'), await rig.startHandover('sb')];
  const open: AbortController[] = [];
  const stream = async (id: string): Promise<number> => {
    const c = new AbortController();
    const res = await fetch(`${base}/v1/handovers/${id}/events`, { headers: auth, signal: c.signal });
    if (res.status === 200) open.push(c);
    else await res.text();
    return res.status;
  };
  try {
    assert.equal(await stream(a.id), 200);
    assert.equal(await stream(a.id), 200);
    assert.equal(await stream(a.id), 429, 'third stream of one handover');
    assert.equal(await stream(b.id), 200);
    assert.equal(await stream(b.id), 429, 'fourth stream of the key');
    open.shift()?.abort();
    await waitFor(async () => ((await stream(b.id)) === 200 ? true : undefined), {
      what: 'a freed slot',
    });
  } finally {
    for (const c of open) c.abort();
    await app.close();
    await rig.shutdown();
  }
});

test('presence: a burst of 5 notices, then 429 RATE_LIMITED with Retry-After; the budget refills', async () => {
  const { rig, app } = await setUp({ presenceIntervalMs: 300 });
  const { id } = await rig.startHandover();
  const presence = (status: string) =>
    app.inject({ method: 'POST', url: `/v1/handovers/${id}/presence`, headers: auth, payload: { status } });
  const notices = async () => (await rig.transcript(id)).filter((l) => l.outbound?.kind === 'notice');
  const answers = [];
  for (let i = 0; i < 8; i += 1) answers.push(await presence(i % 2 ? 'back' : 'away'));
  assert.deepEqual(
    answers.map((a) => a.statusCode),
    [202, 202, 202, 202, 202, 429, 429, 429],
  );
  const refused = answers[5];
  assert.ok(refused);
  assert.equal(refused.json().error.code, 'RATE_LIMITED');
  assert.equal(refused.headers['retry-after'], '1');
  assert.equal((await notices()).length, 5, 'a refused presence sends nothing');
  await sleep(350);
  assert.equal((await presence('back')).statusCode, 202, 'one more after the interval');
  assert.equal((await presence('away')).statusCode, 429);
  assert.equal((await notices()).length, 6);
  // Bad input costs nothing from the budget.
  assert.equal((await presence('gone')).statusCode, 400);
  await app.close();
  await rig.shutdown();
});
