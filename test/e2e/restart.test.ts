// Handovers, transcript, outbox and stream cursors survive a gateway restart (same SQLite file).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import { API_KEY, startHarness, type Harness } from '../support/gateway-harness.ts';
import { SseClient } from '../support/sse-client.ts';
import { waitFor } from '../support/wait-for.ts';
import { OK } from '../support/webhook-receiver.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const hasType = (t: HandoverEvent['type']) => (events: HandoverEvent[]) => events.some((e) => e.type === t);

test('a restart re-attaches, backfills what the agent wrote meanwhile, and keeps every event once', async () => {
  const started = await h.api('POST', '/v1/handovers', {
    endpoint: 'support',
    customer: { userId: 'restart-user', sessionId: 'restart-session', displayName: 'Rita Restart' },
  });
  assert.equal(started.status, 201);
  const id: string = started.body.id;
  await h.webhookEvents(id, hasType('handover.queued'));
  const conv = await h.conversationFor('Rita Restart');
  await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/join`, {});
  await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/messages`, { body: 'before the restart' });
  await h.webhookEvents(
    id,
    (ev) => ev.some((e) => e.type === 'handover.agent_message'),
    'first agent message',
  );
  await h.api('POST', `/v1/handovers/${id}/messages`, { text: 'customer before restart' });

  // The webhook receiver is down across the restart: undelivered events must wait in the outbox.
  h.receiver.respond = () => ({ kind: 'status', status: 503 });
  await h.restartGateway();
  // While the gateway was down the agent wrote; Genesys does not replay it (protocol §9.7).
  await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/messages`, {
    body: 'while you were away',
  });
  await waitFor(
    async () =>
      (await h.api('GET', `/v1/handovers/${id}/transcript`)).body.items.some(
        (i: any) => i.text === 'while you were away',
      ),
    {
      what: 'backfilled message',
    },
  );
  h.receiver.respond = () => OK;
  await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/messages`, { body: 'after the restart' });
  const events = await h.webhookEvents(
    id,
    (ev) => ev.filter((e) => e.type === 'handover.agent_message').length === 3,
    'three agent messages',
  );
  const texts = events.flatMap((e) => (e.type === 'handover.agent_message' ? [e.data.text] : []));
  assert.deepEqual(texts, ['before the restart', 'while you were away', 'after the restart']);
  assert.deepEqual(
    events.map((e) => e.seq),
    events.map((_, i) => i + 1),
  );

  // The customer can keep writing after the restart; the handover is still active.
  const got = await h.api('GET', `/v1/handovers/${id}`);
  assert.equal(got.body.state, 'active');
  assert.equal(
    (await h.api('POST', `/v1/handovers/${id}/messages`, { text: 'customer after restart' })).status,
    202,
  );
  await waitFor(
    async () => {
      const c = (await h.emu('GET', `/emulator/v1/conversations/${conv.id}`)).body;
      const texts: string[] = (c.messages as any[]).map((m) => m.body);
      return texts.includes('customer after restart') ? texts : undefined;
    },
    { what: 'customer message after restart' },
  );
  const c = (await h.emu('GET', `/emulator/v1/conversations/${conv.id}`)).body;
  assert.equal(
    (c.messages as any[]).filter((m) => m.body === 'customer before restart').length,
    1,
    'sent exactly once',
  );

  // SSE resumes after the last seen event id across the restart, without duplicates.
  const lastSeen = events[1]!;
  const sse = await SseClient.open(`${h.gateway.url}/v1/handovers/${id}/events`, {
    headers: { authorization: `Bearer ${API_KEY}` },
    lastEventId: lastSeen.id,
  });
  await waitFor(() => sse.handoverEvents().length >= events.length - 2, { what: 'resumed SSE backlog' });
  assert.deepEqual(
    sse.handoverEvents().map((e) => e.id),
    events.slice(2).map((e) => e.id),
  );
  await sse.close();
  await h.api('POST', `/v1/handovers/${id}/end`);
});
