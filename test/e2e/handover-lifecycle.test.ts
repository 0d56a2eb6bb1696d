// End-to-end: bot API → gateway → emulator (Genesys side) → gateway → webhook + SSE, over real HTTP
// and WebSockets on 127.0.0.1. The agent acts through the emulator's agent API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import { API_KEY, OTHER_KEY, startHarness, type Harness } from '../support/gateway-harness.ts';
import { SseClient } from '../support/sse-client.ts';
import { waitFor } from '../support/wait-for.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

let seq = 0;
function customer(name: string) {
  seq += 1;
  return { userId: `user-${seq}`, sessionId: `session-${seq}`, displayName: name };
}

async function startHandover(name: string, extra: Record<string, unknown> = {}) {
  const res = await h.api('POST', '/v1/handovers', {
    endpoint: 'support',
    customer: customer(name),
    ...extra,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; state: string };
}

const types = (events: HandoverEvent[]) => events.map((e) => e.type);
const hasType = (t: HandoverEvent['type']) => (events: HandoverEvent[]) => events.some((e) => e.type === t);

describe('a whole handover', () => {
  test('every event type arrives by webhook and SSE, in order, with routing data at the emulator', async () => {
    const started = await startHandover('Ann Lifecycle', {
      settings: {
        language: 'French',
        skills: ['technical'],
        priority: 7,
        customAttributes: { region: 'Europe', tier: 3, vip: true },
      },
      transcript: [
        { role: 'customer', text: 'My router blinks red' },
        { role: 'bot', text: 'Have you tried turning it off and on?' },
      ],
    });
    assert.equal(started.state, 'requested');
    const sse = await SseClient.open(`${h.gateway.url}/v1/handovers/${started.id}/events`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    assert.equal(sse.status, 200);

    // Queued: routing settings and custom attributes are visible at the Genesys side.
    await h.webhookEvents(started.id, hasType('handover.queued'), 'queued');
    const conv = await h.conversationFor('Ann Lifecycle');
    assert.equal(conv.queue, 'Support');
    assert.deepEqual(conv.routing.skills, ['technical']);
    assert.equal(conv.routing.language, 'French');
    assert.equal(conv.routing.priority, 7);
    assert.deepEqual(conv.customer.customFields, { brand: 'acme', region: 'Europe', tier: '3', vip: 'true' });

    // The bot transcript reaches the agent first, as readable text.
    const first = await waitFor(async () => {
      const c = (await h.emu('GET', `/emulator/v1/conversations/${conv.id}`)).body;
      return (c.messages as any[]).find((m) => m.bodyType === 'standard');
    });
    assert.match(
      first.body,
      /^Bot conversation \(1\/1\):\n\[Ann Lifecycle\] My router blinks red\n\[Bot\] Have you tried/,
    );

    // Agent joins (name and avatar from GET member), types, writes, sends a notice.
    assert.equal((await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/join`, {})).status, 200);
    const joined = await h.webhookEvents(started.id, hasType('handover.agent_joined'), 'agent_joined');
    const joinEvent = joined.find((e) => e.type === 'handover.agent_joined');
    assert.ok(joinEvent?.type === 'handover.agent_joined' && joinEvent.data.agent.displayName);
    assert.match(joinEvent.data.agent.avatarUrl ?? '', /^https?:\/\//);
    assert.equal((await h.api('GET', `/v1/handovers/${started.id}`)).body.state, 'active');

    for (const [path, body] of [
      ['agent/typing', undefined],
      ['agent/messages', { body: 'Hello Ann, I am here.' }],
      ['agent/messages', { body: 'Please hold on.', bodyType: 'notice' }],
    ] as const) {
      assert.equal(
        (await h.emu('POST', `/emulator/v1/conversations/${conv.id}/${path}`, body)).status,
        200,
        path,
      );
    }

    // Customer writes and types; the bot never gets its own messages back.
    const sent = await h.api('POST', `/v1/handovers/${started.id}/messages`, {
      text: 'Thanks, it still blinks.',
    });
    assert.equal(sent.status, 202);
    assert.equal(sent.body.parts.length, 1);
    const typing = await h.api('POST', `/v1/handovers/${started.id}/typing`);
    assert.equal(typing.status, 202);
    await waitFor(
      async () => {
        const c = (await h.emu('GET', `/emulator/v1/conversations/${conv.id}`)).body;
        return (c.messages as any[]).some((m) => m.body === 'Thanks, it still blinks.');
      },
      { what: 'customer message at the emulator' },
    );

    // Transfer: another agent takes over; the handover stays active.
    const transfer = await h.emu('POST', `/emulator/v1/conversations/${conv.id}/transfer`, {
      displayName: 'Bruno Schmidt',
    });
    assert.equal(transfer.status, 200, JSON.stringify(transfer.body));
    await h.webhookEvents(
      started.id,
      (ev) => ev.filter((e) => e.type === 'handover.agent_joined').length === 2,
      'second agent',
    );
    assert.equal((await h.api('GET', `/v1/handovers/${started.id}`)).body.state, 'active');

    // The agent ends the chat.
    assert.equal((await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/leave`)).status, 200);
    const events = await h.webhookEvents(started.id, hasType('handover.ended'), 'ended');
    const ended = events.find((e) => e.type === 'handover.ended');
    assert.ok(ended?.type === 'handover.ended');
    assert.equal(ended.data.reason, 'agent_ended');

    const seen: string[] = types(events);
    for (const t of [
      'handover.queued',
      'handover.agent_joined',
      'handover.agent_typing',
      'handover.agent_message',
      'handover.system_message',
      'handover.transferred',
      'handover.agent_left',
      'handover.ended',
    ]) {
      assert.ok(seen.includes(t), `missing ${t} in ${seen.join(', ')}`);
    }
    assert.deepEqual(
      events.map((e) => e.seq),
      events.map((_, i) => i + 1),
      'webhooks in order, gap-free',
    );
    const agentMessages = events.flatMap((e) => (e.type === 'handover.agent_message' ? [e.data.text] : []));
    assert.deepEqual(
      agentMessages,
      ['Hello Ann, I am here.'],
      'only the agent text; never the bot’s own echo',
    );
    const typingEvent = events.find((e) => e.type === 'handover.agent_typing');
    assert.ok(typingEvent?.type === 'handover.agent_typing' && typingEvent.data.expiresInMs === 4000);
    assert.ok(!seen.includes('handover.failed'));

    // SSE saw the same events in the same order, then the stream ended after handover.ended.
    await sse.done;
    assert.deepEqual(
      sse.handoverEvents().map((e) => e.id),
      events.map((e) => e.id),
    );

    // Transcript: both directions with roles and timestamps.
    const transcript = await h.api('GET', `/v1/handovers/${started.id}/transcript`);
    assert.equal(transcript.status, 200);
    const roles = (transcript.body.items as any[]).map((i) => `${i.role}:${i.text}`);
    assert.deepEqual(
      roles,
      [
        'customer:My router blinks red',
        'bot:Have you tried turning it off and on?',
        'agent:Hello Ann, I am here.',
        'system:Please hold on.',
        'customer:Thanks, it still blinks.',
      ].filter((r) => roles.includes(r)),
    );
    assert.equal(roles.length, 5);
    for (const item of transcript.body.items) assert.ok(!Number.isNaN(Date.parse(item.at)));

    // Ended handovers take no more input.
    const late = await h.api('POST', `/v1/handovers/${started.id}/messages`, { text: 'hello?' });
    assert.equal(late.status, 409);
    assert.equal(late.body.error.code, 'HANDOVER_NOT_ACTIVE');
  });

  test('the customer ends: the guest member is disconnected at the emulator', async () => {
    const started = await startHandover('Carl Leaves');
    await h.webhookEvents(started.id, hasType('handover.queued'));
    const conv = await h.conversationFor('Carl Leaves');
    const res = await h.api('POST', `/v1/handovers/${started.id}/end`);
    assert.equal(res.status, 200);
    assert.equal(res.body.state, 'ended');
    assert.equal(res.body.endReason, 'customer_ended');
    const after = await waitFor(
      async () => {
        const c = (await h.emu('GET', `/emulator/v1/conversations/${conv.id}`)).body;
        return c.customer.state === 'DISCONNECTED' ? c : undefined;
      },
      { what: 'guest disconnected' },
    );
    assert.equal(after.customer.state, 'DISCONNECTED');
    const events = await h.webhookEvents(started.id, hasType('handover.ended'));
    assert.deepEqual(types(events), ['handover.queued', 'handover.ended']);
    // Ending twice is harmless.
    assert.equal((await h.api('POST', `/v1/handovers/${started.id}/end`, {})).body.state, 'ended');
  });

  test('starting twice for the same customer session returns the same handover', async () => {
    const c = customer('Dora Twice');
    const first = await h.api('POST', '/v1/handovers', { endpoint: 'support', customer: c });
    const second = await h.api('POST', '/v1/handovers', { endpoint: 'support', customer: c });
    assert.equal(first.status, 201);
    assert.equal(second.status, 200);
    assert.equal(second.body.id, first.body.id);
    const list = await h.api('GET', '/v1/handovers?endpoint=support&limit=200');
    assert.equal((list.body.items as any[]).filter((i) => i.customer.userId === c.userId).length, 1);
    await h.api('POST', `/v1/handovers/${first.body.id}/end`);
    // After it ended, the same session may start a new one.
    const third = await h.api('POST', '/v1/handovers', { endpoint: 'support', customer: c });
    assert.equal(third.status, 201);
    assert.notEqual(third.body.id, first.body.id);
  });

  test('long messages are split on word boundaries into ordered parts; long transcripts are chunked', async () => {
    const words = Array.from({ length: 1800 }, (_, i) => `w${i}`);
    const transcript = Array.from({ length: 120 }, (_, i) => ({
      role: i % 2 ? 'bot' : 'customer',
      text: `turn ${i}: ${'lorem ipsum dolor sit amet '.repeat(4)}`,
    }));
    const started = await startHandover('Eve Long', { transcript });
    await h.webhookEvents(started.id, hasType('handover.queued'));
    const text = words.join(' ');
    assert.ok(text.length > 8000);
    const sent = await h.api('POST', `/v1/handovers/${started.id}/messages`, { text });
    assert.equal(sent.status, 202);
    assert.ok(sent.body.parts.length >= 3);
    const conv = await h.conversationFor('Eve Long');
    const standard = await waitFor(
      async () => {
        const c = (await h.emu('GET', `/emulator/v1/conversations/${conv.id}`)).body;
        const msgs = (c.messages as any[])
          .filter((m) => m.bodyType === 'standard')
          .map((m) => m.body as string);
        return msgs.some((m) => m.endsWith(' w1799')) ? msgs : undefined;
      },
      { what: 'all parts at the emulator' },
    );
    for (const m of standard) assert.ok(m.length <= 4000);
    const chunks = standard.filter((m) => m.startsWith('Bot conversation'));
    assert.ok(chunks.length >= 2, 'transcript chunked');
    const firstPart = standard.findIndex((m) => m.startsWith('w0 '));
    assert.ok(
      firstPart > standard.lastIndexOf(chunks[chunks.length - 1]!),
      'transcript before customer messages',
    );
    assert.deepEqual(standard.slice(firstPart).join(' ').split(' '), words, 'parts in order, nothing lost');
    await h.api('POST', `/v1/handovers/${started.id}/end`);
  });

  test('a message retried with the same Idempotency-Key is accepted once', async () => {
    const started = await startHandover('Ivy Retries');
    await h.webhookEvents(started.id, hasType('handover.queued'));
    const send = () =>
      h.api(
        'POST',
        `/v1/handovers/${started.id}/messages`,
        { text: 'only once please' },
        { headers: { 'idempotency-key': 'msg-0001' } },
      );
    const first = await send();
    const second = await send();
    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    assert.deepEqual(second.body, first.body);
    const bad = await h.api(
      'POST',
      `/v1/handovers/${started.id}/messages`,
      { text: 'x' },
      { headers: { 'idempotency-key': 'bad key with spaces' } },
    );
    assert.equal(bad.status, 400);
    const conv = await h.conversationFor('Ivy Retries');
    await waitFor(async () => {
      const c = (await h.emu('GET', `/emulator/v1/conversations/${conv.id}`)).body;
      return (c.messages as any[]).some((m) => m.body === 'only once please');
    });
    const c = (await h.emu('GET', `/emulator/v1/conversations/${conv.id}`)).body;
    assert.equal((c.messages as any[]).filter((m) => m.body === 'only once please').length, 1);
    const transcript = await h.api('GET', `/v1/handovers/${started.id}/transcript`);
    assert.equal((transcript.body.items as any[]).filter((i) => i.text === 'only once please').length, 1);
    await h.api('POST', `/v1/handovers/${started.id}/end`);
  });

  test('typing is forwarded at most once every 3 s', async () => {
    const started = await startHandover('Finn Types');
    await h.webhookEvents(started.id, hasType('handover.queued'));
    const results = [];
    for (let i = 0; i < 5; i++)
      results.push((await h.api('POST', `/v1/handovers/${started.id}/typing`)).body.forwarded);
    assert.deepEqual(results, [true, false, false, false, false]);
    await h.api('POST', `/v1/handovers/${started.id}/end`);
  });

  test('Genesys create errors fail the handover with the Genesys code', async () => {
    for (const [endpoint, code] of [
      ['broken-queue', 'chat.error.invalid.queue'],
      ['disabled', 'chat.deployment.disabled'],
    ] as const) {
      const res = await h.api('POST', '/v1/handovers', { endpoint, customer: customer(`Gus ${endpoint}`) });
      assert.equal(res.status, 201);
      const events = await h.webhookEvents(res.body.id, hasType('handover.failed'), `failed on ${endpoint}`);
      const failed = events.find((e) => e.type === 'handover.failed');
      assert.ok(failed?.type === 'handover.failed');
      assert.equal(failed.data.error.code, code);
      const got = await h.api('GET', `/v1/handovers/${res.body.id}`);
      assert.equal(got.body.state, 'failed');
      assert.equal(got.body.failure.code, code);
    }
  });
});

describe('the API refuses what it should', () => {
  test('authentication and authorisation', async () => {
    const started = await startHandover('Hal Auth');
    for (const key of [null, 'ghk_wrongwrongAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      const res = await h.api('GET', `/v1/handovers/${started.id}`, undefined, { key });
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'UNAUTHENTICATED');
    }
    const basic = await h.api('GET', '/v1/handovers', undefined, {
      key: null,
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    assert.equal(basic.status, 401);
    const other = await h.api('GET', `/v1/handovers/${started.id}`, undefined, {
      key: OTHER_KEY,
    });
    assert.equal(other.status, 403);
    assert.equal(other.body.error.code, 'FORBIDDEN');
    const otherStart = await h.api(
      'POST',
      '/v1/handovers',
      { endpoint: 'support', customer: customer('Ida') },
      { key: OTHER_KEY },
    );
    assert.equal(otherStart.status, 403);
    await h.api('POST', `/v1/handovers/${started.id}/end`);
  });

  test('bad input gets a 4xx with a stable code and changes nothing', async () => {
    const before: number = (await h.api('GET', '/v1/handovers?limit=200')).body.items.length;
    const cases: [
      string,
      string,
      unknown,
      { raw?: string; headers?: Record<string, string> },
      number,
      string,
    ][] = [
      ['POST', '/v1/handovers', undefined, { raw: '{"endpoint": "support", ' }, 400, 'MALFORMED_JSON'],
      [
        'POST',
        '/v1/handovers',
        { endpoint: 'support', customer: { userId: 5, sessionId: 's' } },
        {},
        400,
        'VALIDATION_FAILED',
      ],
      ['POST', '/v1/handovers', { endpoint: 'nope', customer: customer('x') }, {}, 403, 'FORBIDDEN'],
      [
        'POST',
        '/v1/handovers',
        { endpoint: 'support', customer: { ...customer('x'), displayName: 'x'.repeat(101) } },
        {},
        400,
        'VALIDATION_FAILED',
      ],
      [
        'POST',
        '/v1/handovers',
        { endpoint: 'support', customer: customer('x'), settings: { priority: 'high' } },
        {},
        400,
        'VALIDATION_FAILED',
      ],
      [
        'POST',
        '/v1/handovers',
        { endpoint: 'support', customer: customer('x'), extra: 1 },
        {},
        400,
        'VALIDATION_FAILED',
      ],
      [
        'POST',
        '/v1/handovers',
        undefined,
        { raw: 'endpoint=support', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'POST',
        '/v1/handovers',
        undefined,
        { raw: '{"endpoint":"support"}', headers: { 'content-type': 'text/plain' } },
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      ['POST', '/v1/handovers', undefined, { raw: '[1,2]' }, 400, 'VALIDATION_FAILED'],
      ['GET', '/v1/handovers/not-a-uuid', undefined, {}, 400, 'VALIDATION_FAILED'],
      ['GET', '/v1/handovers/00000000-0000-4000-8000-000000000000', undefined, {}, 404, 'HANDOVER_NOT_FOUND'],
      ['GET', '/v1/handovers?state=sleeping', undefined, {}, 400, 'VALIDATION_FAILED'],
      ['GET', '/v1/nothing-here', undefined, {}, 404, 'ROUTE_NOT_FOUND'],
    ];
    for (const [method, path, body, o, status, code] of cases) {
      const res = await h.api(method, path, body, o);
      assert.equal(
        res.status,
        status,
        `${method} ${path} ${o.raw ?? JSON.stringify(body)} → ${JSON.stringify(res.body)}`,
      );
      assert.equal(res.body.error.code, code, `${method} ${path}`);
    }
    const validation = await h.api('POST', '/v1/handovers', {
      endpoint: 'support',
      customer: { userId: 5, sessionId: 's' },
    });
    assert.ok((validation.body.error.details as any[]).some((d) => d.path === 'body.customer.userId'));
    const started = await startHandover('Jo Bad');
    for (const [body, code] of [
      [{ text: '' }, 'VALIDATION_FAILED'],
      [{ text: 'x'.repeat(100_001) }, 'VALIDATION_FAILED'],
      [{ text: 42 }, 'VALIDATION_FAILED'],
    ] as const) {
      const res = await h.api('POST', `/v1/handovers/${started.id}/messages`, body);
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, code);
    }
    const transcript = await h.api('GET', `/v1/handovers/${started.id}/transcript`);
    assert.equal(transcript.body.items.length, 0, 'rejected messages left no trace');
    const after = (await h.api('GET', '/v1/handovers?limit=200')).body.items.length;
    assert.equal(after, before + 1, 'only the valid start created a handover');
    await h.api('POST', `/v1/handovers/${started.id}/end`);
  });
});

describe('operations', () => {
  test('list pages, health, readiness, metrics and OpenAPI', async () => {
    const page1 = await h.api('GET', '/v1/handovers?limit=2');
    assert.equal(page1.status, 200);
    assert.equal(page1.body.items.length, 2);
    assert.ok(page1.body.nextCursor);
    const page2 = await h.api(
      'GET',
      `/v1/handovers?limit=2&cursor=${encodeURIComponent(page1.body.nextCursor)}`,
    );
    assert.notEqual(page2.body.items[0].id, page1.body.items[0].id);
    const ended = await h.api('GET', '/v1/handovers?state=ended&limit=200');
    assert.ok((ended.body.items as any[]).every((i) => i.state === 'ended'));
    assert.equal((await h.api('GET', '/healthz', undefined, { key: null })).status, 200);
    assert.equal((await h.api('GET', '/readyz', undefined, { key: null })).status, 200);
    // /metrics and /docs need a key on the API port (no server.adminPort here).
    for (const path of ['/metrics', '/docs', '/docs/json'])
      assert.equal((await h.api('GET', path, undefined, { key: null })).status, 401, path);
    const metrics = await h.api('GET', '/metrics');
    assert.match(metrics.body, /genesys_handover_handovers\{state="ended"\} \d+/);
    assert.match(
      metrics.body,
      /genesys_handover_genesys_calls_total\{operation="createConversation",status="200"\} \d+/,
    );
    assert.match(metrics.body, /genesys_handover_webhook_deliveries_total\{outcome="delivered"\} \d+/);
    const docs = await h.api('GET', '/docs/json');
    assert.equal(docs.status, 200);
    assert.ok(docs.body.paths['/v1/handovers']);
    assert.ok(docs.body.paths['/v1/handovers/{id}/events']);
    assert.equal((await h.api('GET', '/docs')).status, 200);
  });

  test('no secret reaches an API response', async () => {
    const list = await h.api('GET', '/v1/handovers?limit=200');
    const text = JSON.stringify(list.body);
    assert.ok(!/eyJ[A-Za-z0-9_-]{10,}/.test(text), 'no JWT');
    assert.ok(!text.includes('whsec_'));
    assert.ok(!text.includes('test-key-'));
  });
});
