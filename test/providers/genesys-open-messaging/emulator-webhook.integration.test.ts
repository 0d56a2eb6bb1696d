// The client's webhook side against the emulator's sender (§4): what an agent, a flow's Send
// Response and agent typing look like once verified and parsed; a wrong secret refused; duplicated
// and reordered calls (emulator faults) de-duplicated on dedupeKey; receipts back (§3.3).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningEmulator } from '../../../src/emulator/index.ts';
import type {
  OpenMessagingClient,
  WebhookEvent,
  WebhookMessageEvent,
} from '../../../src/providers/genesys-open-messaging/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import {
  clientFor,
  emulatorApi,
  injectFault,
  INTEGRATION_ID,
  startOmEmulator,
  WEBHOOK_SECRET,
} from './emulator-harness.ts';
import { startOmWebhookReceiver, type OmWebhookReceiver } from './om-webhook-receiver.ts';

const signal = () => new AbortController().signal;
const OTHER_INTEGRATION = '7b7a1f64-0000-4000-8000-0000000000bb';

let emulator: RunningEmulator;
let receiver: OmWebhookReceiver;
let client: OpenMessagingClient;
let other: OpenMessagingClient;

before(async () => {
  receiver = await startOmWebhookReceiver(WEBHOOK_SECRET);
  emulator = await startOmEmulator(
    {
      webhookTimeoutMs: 2_000,
      webhookRetryDelayMs: 10,
      architect: { responses: ['Thanks! Connecting you to an agent.'] },
      openIntegrations: [
        {
          // Same receiver, but Genesys signs with another secret than the gateway knows.
          id: OTHER_INTEGRATION,
          name: 'Misconfigured',
          outboundNotificationWebhookUrl: receiver.url,
          outboundNotificationWebhookSignatureSecretToken: 'a-different-secret-42',
        },
      ],
    },
    receiver.url,
  );
  ({ client } = clientFor(emulator));
  ({ client: other } = clientFor(emulator, { integrationId: OTHER_INTEGRATION }));
});
after(async () => {
  await client.close();
  await other.close();
  await emulator.close();
  await receiver.close();
});

/** A new conversation of `customerId` with a connected agent; returns its id. */
async function connectedChat(c: OpenMessagingClient, customerId: string): Promise<string> {
  const sent = await c.inbound.sendMessage(
    { customer: { id: customerId }, text: 'hello' },
    { signal: signal() },
  );
  assert.ok(sent.conversationId);
  const joined = await emulatorApi(emulator, 'POST', `/conversations/${sent.conversationId}/agent/join`, {});
  assert.equal(joined.status, 200);
  return sent.conversationId;
}

async function agentSays(conversationId: string, body: string): Promise<string> {
  const sent = await emulatorApi(emulator, 'POST', `/conversations/${conversationId}/agent/messages`, {
    body,
  });
  assert.equal(sent.status, 200);
  return sent.body.message.id as string;
}

const eventsOf = (conversationId: string) =>
  receiver.events.filter((e) => e.conversationId === conversationId);
const messagesOf = (conversationId: string, origin: 'human' | 'bot') =>
  eventsOf(conversationId).filter(
    (e): e is WebhookMessageEvent => e.kind === 'message' && e.origin === origin,
  );

describe('webhook calls from the emulator (§4)', () => {
  test('agent text, Send Response (Bot) and agent typing arrive verified and typed', async () => {
    const conversationId = await connectedChat(client, 'wh-cust-1');
    const id = await agentSays(conversationId, 'Hello, this is Alice.');
    await emulatorApi(emulator, 'POST', `/conversations/${conversationId}/agent/typing`);
    // §4.2: the typing call has no root conversationId — webhook calls are routed on channel.to.id.
    await waitFor(
      () =>
        messagesOf(conversationId, 'human').length === 1 &&
        receiver.events.some((e) => e.kind === 'typing' && e.customerId === 'wh-cust-1'),
      {
        what: 'agent message and typing',
      },
    );
    const [message] = messagesOf(conversationId, 'human');
    assert.equal(message!.id, id);
    assert.equal(message!.text, 'Hello, this is Alice.');
    assert.equal(message!.customerId, 'wh-cust-1');
    assert.equal(message!.integrationId, INTEGRATION_ID);
    const typing = receiver.events.find((e) => e.kind === 'typing' && e.customerId === 'wh-cust-1');
    assert.ok(typing?.kind === 'typing');
    assert.equal(typing.durationMs, 5_000);
    const [bot] = messagesOf(conversationId, 'bot');
    assert.equal(bot?.text, 'Thanks! Connecting you to an agent.');
    // Receipts back (§3.3): Delivered for the agent's message.
    await client.inbound.sendReceipt(
      { messageId: id, customerId: 'wh-cust-1', status: 'Delivered' },
      { signal: signal() },
    );
  });

  test('a call signed with another secret is refused with 401 and not read; Genesys does not retry a 4xx', async () => {
    const before = receiver.calls.length;
    const conversationId = await connectedChat(other, 'wh-cust-misconfigured');
    await agentSays(conversationId, 'this must not be read');
    type Delivery = { state: string; attempts: { status?: number }[] };
    const settled = await waitFor(
      async () => {
        const res = await emulatorApi(
          emulator,
          'GET',
          `/webhook-deliveries?conversationId=${conversationId}`,
        );
        const all = res.body.entities as Delivery[];
        return all.length >= 2 && all.every((d) => d.state !== 'pending') ? all : undefined;
      },
      { what: 'the deliveries to settle' },
    );
    // The Send Response and the agent message: each refused once (401 is final, §4.5).
    for (const d of settled)
      assert.deepEqual(
        d.attempts.map((a) => a.status),
        [401],
      );
    const mine = receiver.calls.slice(before);
    assert.ok(mine.length >= 2);
    for (const call of mine)
      assert.deepEqual(call.outcome, { verdict: 'refused', status: 401, reason: 'signature-mismatch' });
    assert.equal(
      eventsOf(conversationId).length,
      0,
      'nothing from the misconfigured integration was accepted',
    );
  });

  test('a duplicated call is accepted once (dedupeKey)', async () => {
    const conversationId = await connectedChat(client, 'wh-cust-dup');
    await injectFault(emulator, { kind: 'webhook-duplicate', integrationId: INTEGRATION_ID });
    const id = await agentSays(conversationId, 'said once');
    await waitFor(() => receiver.duplicates.some((e) => e.id === id), { what: 'the duplicate' });
    assert.equal(messagesOf(conversationId, 'human').filter((e) => e.id === id).length, 1);
  });

  test('reordered calls: all arrive, newest first; channel.time restores the order', async () => {
    const conversationId = await connectedChat(client, 'wh-cust-reorder');
    await injectFault(emulator, { kind: 'webhook-reorder', count: 3, integrationId: INTEGRATION_ID });
    const ids = [];
    for (const text of ['one', 'two', 'three']) ids.push(await agentSays(conversationId, text));
    await waitFor(() => messagesOf(conversationId, 'human').length === 3, { what: 'three messages' });
    const arrived = messagesOf(conversationId, 'human');
    assert.deepEqual(
      arrived.map((e) => e.text),
      ['three', 'two', 'one'],
    );
    const byTime = [...arrived].sort(
      (a: WebhookEvent, b: WebhookEvent) => Date.parse(a.at) - Date.parse(b.at),
    );
    assert.deepEqual(
      byTime.map((e) => e.id),
      ids,
    );
  });
});
