// OpenTelemetry tracing (tracing.enabled), spans caught by an in-memory exporter: a bot's message
// is one trace from the bot's request (its `traceparent` honoured) through the gateway's server span
// and the send to Genesys (a client span, `traceparent` on the request); an agent's message starts a
// trace at the Genesys event (guest chat: the stream event; Open Messaging: Genesys' webhook call), and
// its webhook delivery carries that trace's `traceparent`. No span attribute holds a message text, a
// key or a secret.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import { API_KEY, OM_ENDPOINT, startHarness, type Harness } from '../support/gateway-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const exporter = new InMemorySpanExporter();
let h: Harness;
before(async () => {
  h = await startHarness({ config: { tracing: { enabled: true } }, tuning: { spanExporter: exporter } });
});
after(async () => {
  await h.close();
});

const hasType = (t: HandoverEvent['type']) => (events: HandoverEvent[]) => events.some((e) => e.type === t);
const BOT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const BOT_SPAN = '00f067aa0ba902b7';
const parentOf = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;
const spans = (): ReadableSpan[] => exporter.getFinishedSpans();

test("one bot message: the bot's request → the gateway's request span → the send → the Genesys call", async () => {
  const started = await h.api('POST', '/v1/handovers', {
    endpoint: 'support',
    customer: { userId: 'trace-user', sessionId: 'trace-session', displayName: 'Tracy Trace' },
  });
  assert.equal(started.status, 201);
  const id = (started.body as { id: string }).id;
  await h.webhookEvents(id, hasType('handover.queued'), 'queued');
  const conv = await h.conversationFor('Tracy Trace');
  assert.equal((await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/join`, {})).status, 200);
  await h.webhookEvents(id, hasType('handover.agent_joined'), 'agent_joined');

  const text = 'secret plans for Tuesday';
  const sent = await h.api(
    'POST',
    `/v1/handovers/${id}/messages`,
    { text },
    { headers: { traceparent: `00-${BOT_TRACE}-${BOT_SPAN}-01` } },
  );
  assert.equal(sent.status, 202);

  const send = await waitFor(
    () => spans().find((s) => s.name === 'send message to Genesys' && s.spanContext().traceId === BOT_TRACE),
    { what: 'the send span in the bot trace' },
  );
  const request = spans().find(
    (s) => s.kind === SpanKind.SERVER && s.spanContext().traceId === BOT_TRACE && parentOf(s) === BOT_SPAN,
  );
  assert.ok(request, 'a server span continuing the bot request');
  assert.equal(request.name, 'POST /v1/handovers/:id/messages');
  assert.equal(request.attributes['http.route'], '/v1/handovers/:id/messages');
  assert.equal(parentOf(send), request.spanContext().spanId, 'the send is a child of the request');
  assert.equal(send.attributes['handover.id'], id);
  const call = await waitFor(
    () => spans().find((s) => s.kind === SpanKind.CLIENT && parentOf(s) === send.spanContext().spanId),
    { what: 'the Genesys call span' },
  );
  assert.equal(call.spanContext().traceId, BOT_TRACE);
  assert.equal(call.attributes['http.request.method'], 'POST');
  assert.match(String(call.attributes['url.full']), /\/members\/[^/]+\/messages$/);
  assert.equal(call.attributes['http.response.status_code'], 200);

  // The agent answers: a trace starts at the Genesys event and its webhook carries it.
  const before = h.receiver.attempts.length;
  await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/messages`, { body: 'Hello Tracy' });
  await h.webhookEvents(id, hasType('handover.agent_message'), 'agent_message');
  const attempt = h.receiver.attempts.slice(before).find((a) => a.event.type === 'handover.agent_message');
  assert.ok(attempt);
  const header = String(attempt.headers['traceparent'] ?? '');
  const [, traceId, spanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(header) ?? [];
  assert.ok(traceId && spanId, `a traceparent on the webhook: ${header}`);
  const delivery = await waitFor(
    () => spans().find((s) => s.name === 'webhook delivery' && s.spanContext().traceId === traceId),
    { what: 'the delivery span' },
  );
  const event = spans().find((s) => s.name === 'event from Genesys' && s.spanContext().traceId === traceId);
  assert.ok(event, 'the trace starts at the Genesys event');
  assert.equal(parentOf(event), undefined);
  assert.equal(parentOf(delivery), event.spanContext().spanId);
  const webhookCall = spans().find((s) => s.kind === SpanKind.CLIENT && s.spanContext().spanId === spanId);
  assert.equal(webhookCall && parentOf(webhookCall), delivery.spanContext().spanId);

  // Nothing secret in any attribute.
  const values = spans().flatMap((s) => Object.values(s.attributes).map(String));
  for (const secret of [text, 'Hello Tracy', API_KEY, 'Tracy Trace'])
    assert.ok(!values.some((v) => v.includes(secret)), `no span attribute holds ${secret}`);
  // Probes and the scrape are not traced.
  await h.api('GET', '/metrics');
  assert.ok(!spans().some((s) => s.attributes['url.path'] === '/metrics'));
});

test("Open Messaging: the bot's message goes to Genesys in its trace; Genesys' webhook call starts the agent's", async () => {
  const started = await h.api('POST', '/v1/handovers', {
    endpoint: OM_ENDPOINT,
    customer: { userId: 'trace-om', sessionId: 's-1', displayName: 'Otto Trace' },
  });
  assert.equal(started.status, 201);
  const id = (started.body as { id: string }).id;
  await h.webhookEvents(id, hasType('handover.queued'), 'queued');
  const conv = await h.conversationFor('Otto Trace');
  assert.equal((await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/join`, {})).status, 200);
  await h.webhookEvents(id, hasType('handover.agent_joined'), 'agent_joined');

  const traceId = 'aaaabbbbccccddddeeeeffff00001111';
  const sent = await h.api(
    'POST',
    `/v1/handovers/${id}/messages`,
    { text: 'om secret text' },
    { headers: { traceparent: `00-${traceId}-1111222233334444-01` } },
  );
  assert.equal(sent.status, 202);
  const send = await waitFor(
    () => spans().find((s) => s.name === 'send message to Genesys' && s.spanContext().traceId === traceId),
    { what: 'the Open Messaging send span' },
  );
  assert.equal(send.attributes['genesys_handover.provider'], 'genesys-open-messaging');
  await waitFor(
    () => spans().find((s) => s.kind === SpanKind.CLIENT && parentOf(s) === send.spanContext().spanId),
    { what: 'the Platform API call span' },
  );

  const before = h.receiver.attempts.length;
  await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/messages`, { body: 'Hello Otto' });
  await h.webhookEvents(id, hasType('handover.agent_message'), 'agent_message');
  const attempt = h.receiver.attempts.slice(before).find((a) => a.event.type === 'handover.agent_message');
  const [, agentTrace] = /^00-([0-9a-f]{32})-/.exec(String(attempt?.headers['traceparent'] ?? '')) ?? [];
  assert.ok(agentTrace, 'a traceparent on the webhook');
  // The trace began at the gateway's server span of Genesys' signed webhook call.
  await waitFor(
    () =>
      spans().find(
        (s) =>
          s.kind === SpanKind.SERVER &&
          s.spanContext().traceId === agentTrace &&
          String(s.attributes['http.route']).startsWith('/genesys/open-messaging/'),
      ),
    { what: "the server span of Genesys' webhook call" },
  );
});
