// POST /genesys/open-messaging/{endpoint}: the contact center's way in (Open Messaging §4.5). The
// answer to a push comes only after what it carries is committed; anything that carries nothing for
// us is a 200 (any other 4xx can fail the whole chat at Genesys); an endpoint without pushes is a
// 404; no API key is needed. Over the scripted provider in push mode, on virtual time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { CoreRig, ENDPOINT } from '../support/core-rig.ts';
import { rigApi } from '../support/rig-api.ts';

const WINDOW_MS = 500;

async function setUp(): Promise<{ rig: CoreRig; app: FastifyInstance }> {
  const rig = await CoreRig.start({ push: { reorderWindowMs: WINDOW_MS } });
  return { rig, app: await rigApi(rig) };
}

/** Injects while virtual time passes (the answer waits for the reorder window). */
async function post(
  rig: CoreRig,
  app: FastifyInstance,
  url: string,
  payload: string,
): Promise<LightMyRequestResponse> {
  let res: LightMyRequestResponse | undefined;
  const sent = app
    .inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload })
    .then((r) => (res = r));
  await rig.until(() => res !== undefined, 'answered', 30_000);
  await sent;
  assert.ok(res);
  return res;
}

test('a push is answered 200 after its message is committed; no API key needed', async () => {
  const { rig, app } = await setUp();
  const { id, conv } = await rig.activeHandover();
  conv.agentWrites('from the agent');
  const res = await post(
    rig,
    app,
    `/genesys/open-messaging/${ENDPOINT}`,
    JSON.stringify({ handoverId: id, events: conv.pushed }),
  );
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { status: 'accepted' });
  assert.deepEqual(await rig.agentTexts(id), ['from the agent'], 'committed before the answer');
  await app.close();
});

test('garbage, a foreign body and an unknown handover are answered 200 and change nothing', async () => {
  const { rig, app } = await setUp();
  const { id, conv } = await rig.activeHandover();
  conv.agentWrites('x');
  for (const body of [
    '{not json',
    '{"hello":"world"}',
    JSON.stringify({ handoverId: '00000000-0000-4000-8000-000000000999', events: conv.pushed }),
  ]) {
    const res = await post(rig, app, `/genesys/open-messaging/${ENDPOINT}`, body);
    assert.equal(res.statusCode, 200, body);
    assert.deepEqual(res.json(), { status: 'ignored' });
  }
  assert.deepEqual(await rig.agentTexts(id), []);
  await app.close();
});

test('an endpoint that takes no pushes is a 404 UNKNOWN_ENDPOINT; a handover not yet up is a 503 with Retry-After', async () => {
  const { rig, app } = await setUp();
  const unknown = await post(rig, app, '/genesys/open-messaging/nope', '{}');
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.json<{ error: { code: string } }>().error.code, 'UNKNOWN_ENDPOINT');

  rig.provider.latency('start', 10_000);
  const { handover } = await rig.service.start({
    endpointId: ENDPOINT,
    customer: { userId: 'slow', sessionId: 's', displayName: 'Slow' },
  });
  const event = {
    type: 'typing',
    participant: { id: 'a', role: 'agent' },
    own: false,
    at: rig.time.now().toISOString(),
  };
  const res = await post(
    rig,
    app,
    `/genesys/open-messaging/${ENDPOINT}`,
    JSON.stringify({ handoverId: handover.id, events: [event] }),
  );
  assert.equal(res.statusCode, 503);
  assert.equal(res.headers['retry-after'], '5');
  assert.equal(res.json<{ error: { code: string } }>().error.code, 'NOT_COMMITTED');
  await app.close();
});

test('a read that fails (a provider call it needed, a shutdown) is a 503 with Retry-After, not a 500; the retry is taken', async () => {
  const { rig, app } = await setUp();
  const { id, conv } = await rig.activeHandover();
  conv.agentWrites('from the agent');
  const body = JSON.stringify({ handoverId: id, events: conv.pushed });
  rig.provider.failNext('webhook', { kind: 'retryable', status: 503 });
  const failed = await post(rig, app, `/genesys/open-messaging/${ENDPOINT}`, body);
  assert.equal(failed.statusCode, 503, failed.body);
  assert.equal(failed.headers['retry-after'], '5');
  assert.equal(failed.json<{ error: { code: string } }>().error.code, 'NOT_COMMITTED');
  assert.deepEqual(await rig.agentTexts(id), [], 'nothing taken');
  const again = await post(rig, app, `/genesys/open-messaging/${ENDPOINT}`, body);
  assert.equal(again.statusCode, 200, again.body);
  assert.deepEqual(await rig.agentTexts(id), ['from the agent']);
  await app.close();
});

test('a push whose commit outlasts the answer deadline is a 503 at 8 s; the commit goes on', async () => {
  // A reorder window longer than the deadline: a message that follows one not yet committed waits.
  const rig = await CoreRig.start({ push: { reorderWindowMs: 20_000 } });
  const app = await rigApi(rig);
  const { id, conv } = await rig.activeHandover();
  conv.agentWrites('after a gap');
  const late = conv.pushed.map((e) => ({ ...e, follows: 'never-seen' }));
  const body = JSON.stringify({ handoverId: id, events: late });
  const sentAt = rig.time.now().getTime();
  const res = await post(rig, app, `/genesys/open-messaging/${ENDPOINT}`, body);
  const waitedMs = rig.time.now().getTime() - sentAt;
  assert.equal(res.statusCode, 503, res.body);
  assert.equal(res.json<{ error: { code: string } }>().error.code, 'NOT_COMMITTED');
  assert.ok(waitedMs >= 8_000 && waitedMs < 20_000, `answered after ${waitedMs} ms`);
  // The window closes; the message is committed without its predecessor (reorder-pen.ts).
  await rig.until(async () => (await rig.agentTexts(id)).length === 1, 'committed after the window');
  assert.deepEqual(await rig.agentTexts(id), ['after a gap']);
  await app.close();
});

test('a call that could not be read and never came again is read by a catch-up once Genesys would have given up', async () => {
  const rig = await CoreRig.start({ push: { reorderWindowMs: WINDOW_MS, redeliveryMs: 60_000 } });
  const app = await rigApi(rig);
  const { id, conv } = await rig.activeHandover();
  conv.agentWrites('only ever refused');
  const body = JSON.stringify({ handoverId: id, events: conv.pushed });
  rig.provider.failNext('webhook', { kind: 'retryable', status: 503 });
  const failed = await post(rig, app, `/genesys/open-messaging/${ENDPOINT}`, body);
  assert.equal(failed.statusCode, 503, failed.body);
  await rig.advance(30_000);
  assert.deepEqual(await rig.agentTexts(id), []);
  await rig.until(async () => (await rig.agentTexts(id)).length === 1, 'read after the horizon');
  assert.deepEqual(await rig.agentTexts(id), ['only ever refused']);
  await app.close();
});
