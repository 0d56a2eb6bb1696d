// A seeded, bounded fuzzer over every /v1 route and the provider parsers: garbled JSON, wrong types,
// the nasty-strings corpus, odd ids, cursors and headers. It fails on any 5xx, a crash or a hang, and
// prints its seed (FUZZ_SEED=<n> reproduces a run). Over the core rig (memory store, scripted provider).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFrame } from '../../src/providers/genesys-guest-chat/index.ts';
import { parseWebhookBody } from '../../src/providers/genesys-open-messaging/webhook/parse-webhook.ts';
import { CoreRig, ENDPOINT } from '../support/core-rig.ts';
import { RIG_API_KEY, rigApi } from '../support/rig-api.ts';
import { SAFE_STRINGS, UNSAFE_STRINGS } from '../support/nasty-strings.ts';

const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000_007);
console.log(`fuzz seed=${seed}`);

/** mulberry32: small, seedable, good enough to pick cases. */
function prng(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(seed);

/**
 * encodeURIComponent, except for a lone surrogate (which it refuses to encode, and which a slice of
 * an emoji produces): that goes as its 3 raw bytes (%ED%A0%80…), as a careless client would send it.
 */
function encodeSegment(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    out +=
      cp >= 0xd800 && cp <= 0xdfff
        ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
            .map((b) => `%${b.toString(16).toUpperCase()}`)
            .join('')
        : encodeURIComponent(ch);
  }
  return out;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

const strings = [
  ...Object.values(SAFE_STRINGS),
  ...Object.values(UNSAFE_STRINGS),
  '',
  ' ',
  'a',
  'x'.repeat(300),
  '../../etc/passwd',
  '%00',
  '\u2028',
];
function value(depth = 0): unknown {
  switch (Math.floor(rnd() * (depth > 2 ? 6 : 9))) {
    case 0:
      return pick(strings);
    case 1:
      return Math.floor(rnd() * 2e9) - 1e9;
    case 2:
      return pick([true, false, null, 1.5, -0, 1e308]);
    case 3:
      return pick([ENDPOINT, 'customer', 'bot', 'away', 'back', 'image/png', 'https://x.test/a.png']);
    case 4:
      return pick(strings).slice(0, 20);
    case 5:
      return undefined;
    case 6:
      return Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1));
    default: {
      const keys = [
        'endpoint',
        'customer',
        'userId',
        'sessionId',
        'displayName',
        'settings',
        'text',
        'role',
        'transcript',
        'attachments',
        'url',
        'mime',
        'status',
        'customAttributes',
        'skills',
        'priority',
        'handoverId',
        'eventId',
        '__proto__',
        'constructor',
        pick(strings),
      ];
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rnd() * 5); i > 0; i -= 1) o[pick(keys)] = value(depth + 1);
      return o;
    }
  }
}
function body(): string | undefined {
  switch (Math.floor(rnd() * 6)) {
    case 0:
      return undefined;
    case 1:
      return pick(['{', '[]', 'null', '"x"', '{"a":1,}', '\u0000', '{"__proto__":{"x":1}}']);
    case 2:
      return JSON.stringify({
        endpoint: ENDPOINT,
        customer: { userId: pick(strings), sessionId: 's', displayName: pick(strings) },
        settings: value(),
        transcript: [{ role: pick(['bot', 'customer', 'x']), text: pick(strings) }],
      });
    case 3:
      return JSON.stringify({ text: pick(strings), attachments: rnd() < 0.3 ? [value()] : undefined });
    default:
      return JSON.stringify(value());
  }
}

test('fuzzing every /v1 route: never a 5xx, a crash or a hang; valid work still goes through', async () => {
  const rig = await CoreRig.start();
  const app = await rigApi(rig, { limits: { requestsPerSecond: 1_000_000, openHandovers: 100_000 } });
  const { id } = await rig.activeHandover('fuzz-user');
  const ids = [id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid', '%00', pick(strings).slice(0, 10)];
  const routes: [string, string][] = [
    ['POST', '/v1/handovers'],
    ['GET', '/v1/handovers'],
    ['GET', '/v1/handovers/:id'],
    ['GET', '/v1/handovers/:id/transcript'],
    ['POST', '/v1/handovers/:id/messages'],
    ['POST', '/v1/handovers/:id/typing'],
    ['POST', '/v1/handovers/:id/presence'],
    ['POST', '/v1/handovers/:id/end'],
    ['GET', '/v1/dead-letters'],
    ['POST', '/v1/dead-letters/replay'],
  ];
  const queries = [
    '',
    '?limit=2',
    '?limit=-1',
    '?limit=abc',
    '?state=active',
    '?cursor=%00',
    '?cursor=eyJ4Ijp9',
    '?endpoint=%ED%A0%80',
    '?unknown=1',
    '?limit=1&limit=2',
  ];
  const statuses = new Map<number, number>();
  const N = 2500;
  for (let i = 0; i < N; i += 1) {
    const [method, path] = pick(routes);
    const target = path.replace(':id', encodeSegment(pick(ids))) + (method === 'GET' ? pick(queries) : '');
    const payload = method === 'POST' ? body() : undefined;
    const headers: Record<string, string> = {};
    if (rnd() < 0.95) headers.authorization = `Bearer ${rnd() < 0.97 ? RIG_API_KEY : 'wrong'}`;
    if (payload !== undefined)
      headers['content-type'] = pick(['application/json', 'application/json', 'text/plain']);
    if (rnd() < 0.1) headers['idempotency-key'] = pick(['k1', 'k2', ' ', 'x'.repeat(300)]);
    const res = await app.inject({
      method: method as 'GET',
      url: target,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    assert.ok(
      res.statusCode < 500,
      `seed=${seed} #${i}: ${method} ${target} ${payload ?? ''} → ${res.statusCode} ${res.body}`,
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
  const frame = () => ({
    topicName: pick([
      'v2.conversations.chats.c1.messages',
      'v2.conversations.chats.c1.members',
      'channel.metadata',
      pick(strings),
    ]),
    metadata:
      rnd() < 0.8 ? { type: pick(['message', 'typing-indicator', 'member-change', pick(strings)]) } : value(),
    eventBody:
      rnd() < 0.5
        ? {
            id: pick(strings),
            conversation: { id: 'c1' },
            sender: { id: pick(strings) },
            body: pick(strings),
            bodyType: pick(['standard', 'notice', 'x']),
            timestamp: pick(strings),
            member: value(),
          }
        : value(),
  });
  for (let i = 0; i < 400; i += 1) {
    const text = rnd() < 0.2 ? pick(strings) : JSON.stringify(frame());
    const r = parseFrame(text, { guestMemberId: 'g', conversationId: 'c1' });
    assert.equal(typeof r.ok, 'boolean', `seed=${seed} frame #${i}`);
    const w = parseWebhookBody(
      rnd() < 0.2
        ? pick(strings)
        : JSON.stringify({
            id: pick(strings),
            channel: value(),
            type: pick(['Text', 'Receipt', 'Event', 'x']),
            text: pick(strings),
            content: value(),
            events: value(),
          }),
    );
    assert.equal(typeof w.ok, 'boolean', `seed=${seed} webhook #${i}`);
  }
});
