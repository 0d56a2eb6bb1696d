// A seeded, bounded fuzzer over every /v1 route and the provider parsers, over the core rig (memory
// store, scripted provider): fast, on virtual time. It fails on any 5xx, a crash or a hang, and prints
// its seed (FUZZ_SEED=<n> reproduces a run). The same cases run against the real gateway on SQLite and
// PostgreSQL, with the lost-message check, in test/e2e/fuzz-sqlite-postgres.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFrame } from '../../src/providers/genesys-guest-chat/index.ts';
import { parseWebhookBody } from '../../src/providers/genesys-open-messaging/webhook/parse-webhook.ts';
import { CoreRig, ENDPOINT } from '../support/core-rig.ts';
import {
  FUZZ_QUERIES,
  FUZZ_STRINGS,
  FuzzCases,
  V1_ROUTES,
  encodeSegment,
  fuzzSeed,
} from '../support/fuzz-cases.ts';
import { RIG_API_KEY, rigApi } from '../support/rig-api.ts';

const seed = fuzzSeed();
console.log(`fuzz seed=${seed} (FUZZ_SEED=${seed} reproduces this run)`);
const cases = new FuzzCases(seed, ENDPOINT);
const { rnd } = cases;

test('fuzzing every /v1 route: never a 5xx, a crash or a hang; valid work still goes through', async () => {
  const rig = await CoreRig.start();
  const app = await rigApi(rig, { limits: { requestsPerSecond: 1_000_000, openHandovers: 100_000 } });
  const { id } = await rig.activeHandover('fuzz-user');
  const ids = [
    id,
    '00000000-0000-4000-8000-000000000000',
    'not-a-uuid',
    '%00',
    cases.pick(FUZZ_STRINGS).slice(0, 10),
  ];
  const statuses = new Map<number, number>();
  const N = 2500;
  for (let i = 0; i < N; i += 1) {
    const [method, path] = cases.pick(V1_ROUTES);
    const target =
      path.replace(':id', encodeSegment(cases.pick(ids))) +
      (method === 'GET' ? cases.pick(FUZZ_QUERIES) : '');
    const payload = method === 'POST' ? cases.body() : undefined;
    const headers: Record<string, string> = {};
    if (rnd() < 0.95) headers.authorization = `Bearer ${rnd() < 0.97 ? RIG_API_KEY : 'wrong'}`;
    if (payload !== undefined)
      headers['content-type'] = cases.pick(['application/json', 'application/json', 'text/plain']);
    if (rnd() < 0.1) headers['idempotency-key'] = cases.pick(['k1', 'k2', ' ', 'x'.repeat(300)]);
    const res = await app.inject({
      method: method as 'GET',
      url: target,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    assert.ok(
      res.statusCode < 500,
      `FUZZ_SEED=${seed} #${i}: ${method} ${target} ${payload ?? ''} → ${res.statusCode} ${res.body}`,
    );
    // Time moves a little so the engine works in between (sends, typing throttles).
    if (i % 50 === 0) await rig.advance(100);
  }
  console.log(`fuzz seed=${seed} requests=${N} statuses=${JSON.stringify(Object.fromEntries(statuses))}`);
  // The gateway still works after the barrage.
  const ok = await app.inject({
    method: 'POST',
    url: `/v1/handovers`,
    headers: { authorization: `Bearer ${RIG_API_KEY}`, 'content-type': 'application/json' },
    payload: { endpoint: ENDPOINT, customer: { userId: 'after-fuzz', sessionId: 's' } },
  });
  assert.ok(ok.statusCode === 201 || ok.statusCode === 200, ok.body);
  await app.close();
  await rig.shutdown();
});

test('garbled Genesys frames and webhooks: parsed or ignored, never a throw', () => {
  for (let i = 0; i < 400; i += 1) {
    const r = parseFrame(cases.frame('c1'), { guestMemberId: 'g', conversationId: 'c1' });
    assert.equal(typeof r.ok, 'boolean', `FUZZ_SEED=${seed} frame #${i}`);
    const w = parseWebhookBody(cases.webhook());
    assert.equal(typeof w.ok, 'boolean', `FUZZ_SEED=${seed} webhook #${i}`);
  }
});
