// /metrics after a real handover (bot → gateway → emulator → gateway → webhook): latency histograms
// for the HTTP routes (by pattern, never by id), the Genesys calls by operation, the webhook events
// from when they occurred to the bot's 2xx and the bot's messages to Genesys; gauges of the outbox, dead
// letters, live Genesys streams and SSE connections; reconnect and catch-up counters; Node's process
// metrics under their standard names; and every series the Grafana dashboard in docs/ reads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import { API_KEY, startHarness, type Harness } from '../support/gateway-harness.ts';
import { waitFor } from '../support/wait-for.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const hasType = (t: HandoverEvent['type']) => (events: HandoverEvent[]) => events.some((e) => e.type === t);

/** The value of one series, by name and exact label set as Prometheus prints it. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('latency histograms and process metrics appear on /metrics after a handover', async () => {
  const started = await h.api('POST', '/v1/handovers', {
    endpoint: 'support',
    customer: { userId: 'metrics-user', sessionId: 'metrics-session', displayName: 'Mia Metrics' },
  });
  assert.equal(started.status, 201);
  const id = (started.body as { id: string }).id;
  await h.webhookEvents(id, hasType('handover.queued'), 'queued');
  const conv = await h.conversationFor('Mia Metrics');
  assert.equal((await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/join`, {})).status, 200);
  await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/messages`, { body: 'Hello Mia' });
  await h.webhookEvents(id, hasType('handover.agent_message'), 'agent_message');
  assert.equal((await h.api('POST', `/v1/handovers/${id}/messages`, { text: 'Hi' })).status, 202);

  const text = (await h.api('GET', '/metrics')).body as string;
  const http = 'genesys_handover_http_request_duration_seconds';
  assert.ok((value(text, `${http}_count{method="POST",route="/v1/handovers",status="201"}`) ?? 0) >= 1, text);
  assert.ok(
    (value(text, `${http}_count{method="POST",route="/v1/handovers/:id/messages",status="202"}`) ?? 0) >= 1,
  );
  assert.ok(!text.includes(id), 'no handover id in a label');
  const genesys = 'genesys_handover_genesys_call_duration_seconds';
  assert.ok((value(text, `${genesys}_count{operation="createConversation",status="200"}`) ?? 0) >= 1);
  assert.match(
    text,
    new RegExp(`${genesys}_bucket\\{le="0\\.1",operation="createConversation",status="200"\\} \\d+`),
  );
  const events = 'genesys_handover_webhook_event_latency_seconds';
  assert.ok((value(text, `${events}_count{type="handover.agent_message",outcome="delivered"}`) ?? 0) >= 1);
  assert.ok((value(text, `${events}_sum{type="handover.agent_message",outcome="delivered"}`) ?? -1) >= 0);
  // Node's defaults, unprefixed: stock dashboards find them.
  for (const name of [
    'process_cpu_seconds_total',
    'process_resident_memory_bytes',
    'nodejs_eventloop_lag_seconds',
  ])
    assert.match(text, new RegExp(`^${name} `, 'm'), name);
});

test('gauges and counters: outbox, dead letters, Genesys streams, SSE connections, reconnects, catch-ups, relay', async () => {
  const metrics = async (): Promise<string> => (await h.api('GET', '/metrics')).body as string;
  const started = await h.api('POST', '/v1/handovers', {
    endpoint: 'support',
    customer: { userId: 'gauge-user', sessionId: 'gauge-session', displayName: 'Gus Gauge' },
  });
  assert.equal(started.status, 201);
  const id = (started.body as { id: string }).id;
  await h.webhookEvents(id, hasType('handover.queued'), 'queued');
  const conv = await h.conversationFor('Gus Gauge');
  assert.equal((await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/join`, {})).status, 200);
  await h.webhookEvents(id, hasType('handover.agent_joined'), 'agent_joined');

  // An SSE stream: counted while open, and it echoes the caller's request id.
  const sse = new AbortController();
  const stream = await fetch(`${h.gateway.url}/v1/handovers/${id}/events`, {
    headers: { authorization: `Bearer ${API_KEY}`, 'x-request-id': 'sse-req-7' },
    signal: sse.signal,
  });
  assert.equal(stream.status, 200);
  assert.equal(stream.headers.get('x-request-id'), 'sse-req-7');
  const text = await metrics();
  assert.equal(value(text, 'genesys_handover_sse_connections'), 1);
  assert.ok(
    (value(text, 'genesys_handover_genesys_streams{endpoint="support",kind="event_stream"}') ?? 0) >= 1,
  );
  // Everything so far was delivered: nothing owed, nothing dead.
  assert.equal(value(text, 'genesys_handover_outbox_pending'), 0);
  assert.equal(value(text, 'genesys_handover_outbox_oldest_pending_age_seconds'), 0);
  assert.equal(value(text, 'genesys_handover_dead_letters'), 0);
  sse.abort();
  await waitFor(async () => value(await metrics(), 'genesys_handover_sse_connections') === 0, {
    what: 'the SSE gauge back at 0',
  });

  // The stream drops: a reconnect, then a catch-up (a chat's first open needs none: protocol §1,
  // docs/reliability.md, so this is the handover's first).
  const reconnects = 'genesys_handover_stream_reconnects_total{provider="genesys-guest-chat"}';
  const catchUps = 'genesys_handover_catch_ups_total{provider="genesys-guest-chat"}';
  const before = value(text, reconnects) ?? 0;
  const catchUpsBefore = value(text, catchUps) ?? 0;
  assert.equal(
    (await h.emu('POST', '/emulator/v1/faults', { kind: 'drop-streams', conversationId: conv.id })).status,
    200,
  );
  await waitFor(async () => (value(await metrics(), reconnects) ?? 0) > before, {
    what: 'a reconnect counted',
  });
  await waitFor(async () => (value(await metrics(), catchUps) ?? 0) > catchUpsBefore, {
    what: 'the catch-up after it counted',
  });

  // A bot message relayed to Genesys: accepted → sent.
  assert.equal((await h.api('POST', `/v1/handovers/${id}/messages`, { text: 'Hi' })).status, 202);
  await waitFor(
    async () =>
      (value(
        await metrics(),
        'genesys_handover_bot_message_relay_seconds_count{provider="genesys-guest-chat"}',
      ) ?? 0) >= 1,
    { what: 'the relay histogram' },
  );
});

// Last: by now every counter and histogram the dashboard reads has a sample (a reconnect, a relay).
test('every series the Grafana dashboard in docs/ queries is one the gateway serves', async () => {
  const text = (await h.api('GET', '/metrics')).body as string;
  const dashboard = JSON.parse(
    readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8'),
  ) as {
    panels: { targets: { expr: string }[] }[];
  };
  const queried = dashboard.panels.flatMap((p) =>
    p.targets.flatMap((t) => t.expr.match(/\b(genesys_handover|process|nodejs)_\w+/g) ?? []),
  );
  assert.ok(queried.length >= 10);
  for (const name of queried) assert.match(text, new RegExp(`^${name}[{ ]`, 'm'), `the dashboard's ${name}`);
});
