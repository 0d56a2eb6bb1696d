// GET /v1/dead-letters over real HTTP: a key sees only its endpoints' dead letters, in full pages
// however many of other endpoints died first (the store filters and pages: a keyset cursor), and
// `nextCursor` walks them all once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { generateApiKey } from '../../src/config/api-key-strength.ts';
import { DEFAULT_KEY_LIMITS } from '../../src/config/schema.ts';
import { at, makeEvent, makeHandover } from '../store/fixtures.ts';
import { CoreRig } from '../support/core-rig.ts';
import { rigApi } from '../support/rig-api.ts';

const ALL = generateApiKey();
const ONLY_B = generateApiKey();
let rig: CoreRig;
let app: FastifyInstance;
let url: string;

before(async () => {
  rig = await CoreRig.start();
  app = await rigApi(rig, {
    keys: [
      { name: 'all', key: ALL, endpoints: ['*'], limits: DEFAULT_KEY_LIMITS },
      { name: 'b', key: ONLY_B, endpoints: ['ep-b'], limits: DEFAULT_KEY_LIMITS },
    ],
  });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
  // 60 dead letters of ep-a die first, then 7 of ep-b: a scan of limit × 10 rows would find none of B's.
  for (const [endpointId, count, minute] of [
    ['ep-a', 60, 1],
    ['ep-b', 7, 2],
  ] as const) {
    for (let i = 0; i < count; i++) {
      const h = makeHandover({ endpointId });
      const event = makeEvent(h, 1);
      await rig.store.handovers.create({ handover: { ...h, lastSeq: 1 }, webhook: true, events: [event] });
      await rig.store.events.recordDelivery(event.id, { kind: 'dead', at: at(minute), error: 'HTTP 410' });
    }
  }
});
after(async () => {
  await app.close();
  await rig.shutdown();
});

interface DeadLetterPage {
  items: { event: { id: string; endpointId: string } }[];
  nextCursor?: string;
  error?: { code: string; details?: { path: string }[] };
}

async function list(key: string, query: string): Promise<{ status: number; body: DeadLetterPage }> {
  const res = await fetch(`${url}/v1/dead-letters${query}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as DeadLetterPage };
}

test("a key's dead letters come in full pages behind other endpoints' many, and the cursor walks them once", async () => {
  const seen: string[] = [];
  let query = '?limit=3';
  for (let pages = 0; pages < 10; pages++) {
    const page = await list(ONLY_B, query);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    assert.ok(
      page.body.items.every((d) => d.event.endpointId === 'ep-b'),
      'only its own',
    );
    seen.push(...page.body.items.map((d) => d.event.id));
    if (!page.body.nextCursor) break;
    assert.equal(page.body.items.length, 3, 'a page with a next one is full');
    query = `?limit=3&cursor=${encodeURIComponent(page.body.nextCursor)}`;
  }
  assert.equal(seen.length, 7);
  assert.equal(new Set(seen).size, 7);

  const everything = await list(ALL, '?limit=500');
  assert.equal(everything.body.items.length, 67);
  assert.equal(everything.body.nextCursor, undefined);
  const onlyA = await list(ALL, '?endpoint=ep-a&limit=50');
  assert.equal(onlyA.body.items.length, 50);
  assert.ok(onlyA.body.items.every((d) => d.event.endpointId === 'ep-a'));
  assert.ok(onlyA.body.nextCursor);
});

test("another endpoint's dead letters are 403; a forged cursor is 400 VALIDATION_FAILED on cursor", async () => {
  const forbidden = await list(ONLY_B, '?endpoint=ep-a');
  assert.equal(forbidden.status, 403);
  for (const cursor of ['garbage', Buffer.from('["x"]').toString('base64url')]) {
    const bad = await list(ONLY_B, `?cursor=${cursor}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error?.code, 'VALIDATION_FAILED');
    assert.equal(bad.body.error.details?.[0]?.path, 'cursor');
  }
});
