// Inbound Open Messaging (OM doc §3) and the Architect stand-in (§6): conversations keyed by
// (integration, from.id), prefetchConversationId, custom attributes as the customer's participant data
// and routing input, Send Response texts, attachments, typing, receipts, de-duplication.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { SseClient } from '../support/sse-client.ts';
import { waitFor } from '../support/wait-for.ts';
import { agentApi, conversationView, startTestEmulator, UUID } from './helpers.ts';
import {
  accessToken,
  assertErrorBody,
  createIntegration,
  inboundMessage,
  inboundPath,
  platform,
  sendInbound,
  startOpenMessaging,
} from './platform-helpers.ts';

let emulator: RunningEmulator;
let token: string;
let integrationId: string;
before(async () => {
  ({ emulator, token, integrationId } = await startOpenMessaging({
    architect: { responses: ['Thanks! Connecting you to an agent.'] },
  }));
});
after(() => emulator.close());

test('the first message creates a conversation routed from the custom attributes (§3.1, §6)', async () => {
  const answer = await sendInbound(
    emulator,
    token,
    integrationId,
    inboundMessage('cust-routing', 'Hello, I need help with a bill', {
      messageId: 'm-1',
      attributes: {
        hg_queue: 'Billing',
        hg_language: 'German',
        hg_skills: 'billing, refunds',
        hg_priority: '5',
        hg_session: 's-1',
      },
    }),
  );
  assert.match(answer.id, UUID);
  assert.match(answer.conversationId, UUID);
  assert.equal(answer.type, 'Text');
  assert.equal(answer.text, 'Hello, I need help with a bill');
  assert.equal(answer.channel.platform, 'Open');
  assert.equal(answer.channel.messageId, 'm-1');
  assert.equal(answer.channel.from.id, 'cust-routing');

  const view = await conversationView(emulator, answer.conversationId);
  const summary = view as unknown as Record<string, any>;
  assert.equal(summary.kind, 'open-messaging');
  assert.equal(summary.integrationId, integrationId);
  assert.equal(summary.state, 'queued');
  assert.equal(summary.queue, 'Billing');
  assert.deepEqual(summary.routing, { skills: ['billing', 'refunds'], language: 'German', priority: 5 });
  assert.equal(summary.customer.displayName, 'Alex');
  assert.deepEqual(summary.customer.customFields, {
    hg_queue: 'Billing',
    hg_language: 'German',
    hg_skills: 'billing, refunds',
    hg_priority: '5',
    hg_session: 's-1',
  });
  // History: customer join, the message, the flow's Send Response; the flow member has left (routed).
  const texts = view.messages.map((m) => `${m.senderRole}:${m.bodyType}:${m.body}`);
  assert.deepEqual(texts, [
    'CUSTOMER:member-join:',
    'CUSTOMER:standard:Hello, I need help with a bill',
    'WORKFLOW:standard:Thanks! Connecting you to an agent.',
  ]);
  const flow = view.members.find((m) => m.role === 'WORKFLOW') as Record<string, unknown>;
  assert.equal(flow.state, 'DISCONNECTED');
  assert.equal(flow.disconnectCause, 'routed');
  assert.deepEqual(
    view.members.map((m) => `${m.role}:${m.state}`),
    ['CUSTOMER:CONNECTED', 'WORKFLOW:DISCONNECTED', 'ACD:CONNECTED'],
  );
  // Routing is real: only Billing agents with billing+refunds who speak German may take it — nobody does.
  const join = await agentApi(emulator, 'POST', `/conversations/${answer.conversationId}/agent/join`, {});
  assert.equal(join.status, 409);
});

test('later messages of the same from.id join the conversation; another from.id gets its own', async () => {
  const first = await sendInbound(emulator, token, integrationId, inboundMessage('cust-a', 'one'));
  const second = await sendInbound(emulator, token, integrationId, inboundMessage('cust-a', 'two'));
  const other = await sendInbound(emulator, token, integrationId, inboundMessage('cust-b', 'three'));
  assert.equal(second.conversationId, first.conversationId);
  assert.notEqual(other.conversationId, first.conversationId);
  const view = await conversationView(emulator, first.conversationId);
  assert.deepEqual(
    view.messages.filter((m) => m.senderRole === 'CUSTOMER' && m.bodyType === 'standard').map((m) => m.body),
    ['one', 'two'],
  );
  // Routing without attributes: the default queue (the first configured one).
  assert.equal((view as unknown as { queue: string }).queue, 'Support');
});

test('after the conversation ends, the same from.id starts a new one (§3.5)', async () => {
  const first = await sendInbound(emulator, token, integrationId, inboundMessage('cust-again', 'hi'));
  assert.equal(
    (await agentApi(emulator, 'POST', `/conversations/${first.conversationId}/agent/join`, {})).status,
    200,
  );
  assert.equal(
    (await agentApi(emulator, 'POST', `/conversations/${first.conversationId}/agent/leave`)).status,
    200,
  );
  const next = await sendInbound(emulator, token, integrationId, inboundMessage('cust-again', 'hi again'));
  assert.notEqual(next.conversationId, first.conversationId);
});

test('without prefetchConversationId the answer carries no conversationId (§3.1 [U])', async () => {
  const answer = await sendInbound(
    emulator,
    token,
    integrationId,
    inboundMessage('cust-noprefetch', 'x'),
    false,
  );
  assert.equal(answer.conversationId, undefined);
});

test('the queue attribute may name the queue id; an unknown queue falls back to the default', async () => {
  const queues = (await agentApi(emulator, 'GET', '/queues')).body as {
    entities: { name: string; id: string }[];
  };
  const sales = queues.entities.find((q) => q.name === 'Sales');
  assert.ok(sales?.id);
  const byId = await sendInbound(
    emulator,
    token,
    integrationId,
    inboundMessage('cust-qid', 'x', { attributes: { hg_queue: sales.id } }),
  );
  assert.equal(
    ((await conversationView(emulator, byId.conversationId)) as unknown as { queue: string }).queue,
    'Sales',
  );
  const unknown = await sendInbound(
    emulator,
    token,
    integrationId,
    inboundMessage('cust-qx', 'x', { attributes: { hg_queue: 'Nope' } }),
  );
  assert.equal(
    ((await conversationView(emulator, unknown.conversationId)) as unknown as { queue: string }).queue,
    'Support',
  );
});

test('idType is case-insensitive and legacy fields are tolerated (§3.1)', async () => {
  const body = inboundMessage('cust-legacy', 'legacy', {
    extra: { type: 'Text', direction: 'Inbound' },
  }) as { channel: Record<string, any> };
  body.channel.from.idType = 'email';
  body.channel.platform = 'Open';
  body.channel.type = 'Private';
  body.channel.to = { id: integrationId };
  const answer = await sendInbound(emulator, token, integrationId, body);
  assert.equal(answer.channel.from.idType, 'Email');
});

test('inbound attachments are accepted and shown to the agent', async () => {
  const answer = await sendInbound(
    emulator,
    token,
    integrationId,
    inboundMessage('cust-file', '', {
      extra: {
        text: undefined,
        content: [
          {
            contentType: 'Attachment',
            attachment: {
              mediaType: 'Image',
              url: 'https://files.example.com/p.png',
              mime: 'image/png',
              filename: 'p.png',
            },
          },
        ],
      },
    }),
  );
  assert.equal(answer.text, undefined);
  assert.equal(answer.content[0].attachment.url, 'https://files.example.com/p.png');
  const view = await conversationView(emulator, answer.conversationId);
  const message = view.messages.find((m) => m.senderRole === 'CUSTOMER' && m.bodyType === 'standard') as any;
  assert.equal(message.body, '');
  assert.deepEqual(
    message.attachments.map((a: any) => [a.mediaType, a.url, a.mime, a.filename]),
    [['Image', 'https://files.example.com/p.png', 'image/png', 'p.png']],
  );
});

test('a typing event reaches the agent feed; without a conversation it is accepted and dropped (§3.2)', async () => {
  const answer = await sendInbound(emulator, token, integrationId, inboundMessage('cust-typing', 'x'));
  const feed = await SseClient.open(`${emulator.url}/emulator/v1/events`);
  try {
    const event = {
      channel: { from: { id: 'cust-typing', idType: 'Opaque' }, time: new Date().toISOString() },
      events: [{ eventType: 'Typing', typing: { type: 'On', duration: 5000 } }],
    };
    const typed = await platform(emulator, token, 'POST', inboundPath(integrationId, 'event'), event);
    assert.equal(typed.status, 200, typed.text);
    assert.equal((typed.body as any).type, 'Event');
    assert.deepEqual((typed.body as any).events, [
      { eventType: 'Typing', typing: { type: 'On', duration: 5000 } },
    ]);
    await waitFor(
      () =>
        feed
          .events<any>('typing')
          .find((e) => e.conversationId === answer.conversationId && e.typing.senderRole === 'CUSTOMER'),
      { what: 'customer typing on the agent feed' },
    );
    const nobody = await platform(emulator, token, 'POST', inboundPath(integrationId, 'event'), {
      ...event,
      channel: { ...event.channel, from: { id: 'cust-never-wrote', idType: 'Opaque' } },
    });
    assert.equal(nobody.status, 200, nobody.text);
  } finally {
    await feed.close();
  }
});

test('receipts record Delivered/Failed on agent messages; unknown ids are 404 (§3.3)', async () => {
  const answer = await sendInbound(emulator, token, integrationId, inboundMessage('cust-receipt', 'x'));
  await agentApi(emulator, 'POST', `/conversations/${answer.conversationId}/agent/join`, {});
  const sent = await agentApi(emulator, 'POST', `/conversations/${answer.conversationId}/agent/messages`, {
    body: 'Hi',
  });
  const messageId = (sent.body as { message: { id: string } }).message.id;
  const receipt = (status: string, extra: Record<string, unknown> = {}) => ({
    id: messageId,
    channel: { to: { id: 'cust-receipt' }, time: new Date().toISOString() },
    status,
    ...extra,
  });
  const failed = await platform(
    emulator,
    token,
    'POST',
    inboundPath(integrationId, 'receipt'),
    receipt('Failed', {
      reasons: [{ code: 'RateLimited', message: 'slow down' }],
      isFinalReceipt: true,
    }),
  );
  assert.equal(failed.status, 200, failed.text);
  assert.equal((failed.body as any).type, 'Receipt');
  assert.equal((failed.body as any).direction, 'Outbound');
  let view = await conversationView(emulator, answer.conversationId);
  assert.equal((view.messages.find((m) => m.id === messageId) as any).delivery.status, 'Failed');
  await platform(emulator, token, 'POST', inboundPath(integrationId, 'receipt'), receipt('Delivered'));
  view = await conversationView(emulator, answer.conversationId);
  assert.equal((view.messages.find((m) => m.id === messageId) as any).delivery.status, 'Delivered');
  const unknown = await platform(emulator, token, 'POST', inboundPath(integrationId, 'receipt'), {
    ...receipt('Delivered'),
    id: 'no-such-message',
  });
  assertErrorBody(unknown, 404, 'not.found');
});

test('dedupeInboundMessageIds answers a repeated messageId with the first answer and records it once', async () => {
  const deduping = await startTestEmulator({ integrationProvisioningMs: 0, dedupeInboundMessageIds: true });
  try {
    const t = await accessToken(deduping);
    const { id } = await createIntegration(deduping, t);
    const first = await sendInbound(
      deduping,
      t,
      id,
      inboundMessage('cust-dup', 'once', { messageId: 'dup-1' }),
    );
    const again = await sendInbound(
      deduping,
      t,
      id,
      inboundMessage('cust-dup', 'once', { messageId: 'dup-1' }),
    );
    assert.deepEqual(again, first);
    const view = await conversationView(deduping, first.conversationId);
    assert.equal(
      view.messages.filter((m) => m.bodyType === 'standard' && m.senderRole === 'CUSTOMER').length,
      1,
    );
  } finally {
    await deduping.close();
  }
});
