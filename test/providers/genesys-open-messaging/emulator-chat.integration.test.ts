// A whole Open Messaging chat through the client against the emulator: first message with custom
// attributes → the flow's Send Response (Bot) → an agent joins (user.start on the notification
// channel, name and picture from the user API) → messages, typing, an attachment both ways, a receipt,
// a token the emulator revokes mid-chat → the bot side ends it with PATCH participant (customer.end).
// Then the notification pitfalls: user.end on reject and on transfer, and a dropped / closing socket.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningEmulator } from '../../../src/emulator/index.ts';
import type {
  OpenMessagingClient,
  WebhookMessageEvent,
} from '../../../src/providers/genesys-open-messaging/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import {
  clientFor,
  emulatorApi,
  injectFault,
  OM_CLIENT,
  startOmEmulator,
  WEBHOOK_SECRET,
} from './emulator-harness.ts';
import { startOmWebhookReceiver, type OmWebhookReceiver } from './om-webhook-receiver.ts';
import { watchRecorder } from './watch-recorder.ts';

const signal = () => new AbortController().signal;

let emulator: RunningEmulator;
let receiver: OmWebhookReceiver;
let client: OpenMessagingClient;

before(async () => {
  receiver = await startOmWebhookReceiver(WEBHOOK_SECRET);
  emulator = await startOmEmulator(
    {
      webhookRetryDelayMs: 10,
      acwDurationMs: 50,
      architect: { responses: ['Thanks! Connecting you to an agent.'] },
    },
    receiver.url,
  );
  // Reconnects on real time here: a short backoff keeps the test quick.
  ({ client } = clientFor(emulator, {
    notifications: { reconnectBackoff: { initialDelayMs: 50, maxDelayMs: 200 } },
  }));
});
after(async () => {
  await client.close();
  await emulator.close();
  await receiver.close();
});

/** A new conversation for `customerId`, watched from its first message on. */
async function startChat(customerId: string, customAttributes?: Record<string, string>) {
  const sent = await client.inbound.sendMessage(
    {
      customer: { id: customerId, nickname: 'Alex' },
      text: 'I need a human',
      ...(customAttributes ? { customAttributes } : {}),
    },
    { signal: signal() },
  );
  assert.ok(sent.conversationId);
  const w = watchRecorder();
  const watch = await client.notifications.watchConversation(sent.conversationId, w.handlers, signal());
  return { conversationId: sent.conversationId, w, watch };
}

const agentApi = (conversationId: string, action: string, body: unknown = {}) =>
  emulatorApi(emulator, 'POST', `/conversations/${conversationId}/${action}`, body);

const messagesFor = (customerId: string) =>
  receiver.events.filter(
    (e): e is WebhookMessageEvent => e.kind === 'message' && e.customerId === customerId,
  );

describe('a whole Open Messaging chat through the client', () => {
  test('first message → Send Response → agent joins → both ways → PATCH participant ends it', async () => {
    const customer = 'chat-cust-1';
    const { conversationId, w, watch } = await startChat(customer, {
      hg_queue: 'Support',
      hg_language: 'English',
    });

    // The flow's Send Response comes back as a Bot message (§6).
    await waitFor(() => messagesFor(customer).some((m) => m.origin === 'bot'), { what: 'Send Response' });

    // The customer participant carries the custom attributes (§6).
    const conv = await client.conversations.getConversation(conversationId, { signal: signal() });
    const customerParticipant = conv.participants.find((p) => p.purpose === 'customer');
    assert.ok(customerParticipant);
    assert.equal(customerParticipant.attributes.hg_language, 'English');

    // An agent joins: user.start; who it is comes from the conversation and the user API.
    assert.equal((await agentApi(conversationId, 'agent/join', { displayName: 'Alice Agent' })).status, 200);
    const start = await w.next('user.start');
    assert.ok(start.userId);
    const agentProfile = await client.users.getAgentProfile(start.userId, { signal: signal() });
    assert.equal(agentProfile.displayName, 'Alice Agent');
    const withAgent = await client.conversations.getConversation(conversationId, { signal: signal() });
    const agent = withAgent.participants.find((p) => p.purpose === 'agent' && p.state === 'connected');
    assert.equal(agent?.user?.id, start.userId);

    // Agent → customer: text, typing, an attachment (download URL); customer → agent: text and a file.
    const said = await agentApi(conversationId, 'agent/messages', { body: 'Hi, I am Alice.' });
    await agentApi(conversationId, 'agent/typing');
    await agentApi(conversationId, 'agent/attachments', {
      filename: 'receipt.png',
      mime: 'image/png',
      contentBase64: Buffer.from('png bytes').toString('base64'),
    });
    await waitFor(() => messagesFor(customer).filter((m) => m.origin === 'human').length === 2, {
      what: 'agent messages',
    });
    const [text, file] = messagesFor(customer).filter((m) => m.origin === 'human');
    assert.equal(text!.id, said.body.message.id);
    assert.equal(text!.text, 'Hi, I am Alice.');
    assert.equal(file!.text, undefined);
    assert.equal(file!.attachments[0]?.filename, 'receipt.png');
    const download = await fetch(file!.attachments[0].url!);
    assert.equal(Buffer.from(await download.arrayBuffer()).toString(), 'png bytes');
    await waitFor(() => receiver.events.some((e) => e.kind === 'typing' && e.customerId === customer), {
      what: 'typing',
    });
    await client.inbound.sendReceipt(
      { messageId: text!.id, customerId: customer, status: 'Delivered' },
      { signal: signal() },
    );

    // The emulator revokes every token mid-chat: the next call renews once and goes through.
    const tokensBefore = client.tokenRequests;
    await injectFault(emulator, { kind: 'expire-tokens', clientId: OM_CLIENT.clientId });
    await client.inbound.sendMessage(
      { customer: { id: customer }, text: 'thanks, here is the form' },
      { signal: signal() },
    );
    await client.inbound.sendMessage(
      {
        customer: { id: customer },
        attachments: [
          {
            mediaType: 'File',
            url: 'https://files.example/form.pdf',
            mime: 'application/pdf',
            filename: 'form.pdf',
          },
        ],
      },
      { signal: signal() },
    );
    await client.inbound.sendTyping({ id: customer }, { signal: signal() });
    assert.equal(client.tokenRequests, tokensBefore + 1);
    const view = await emulatorApi(emulator, 'GET', `/conversations/${conversationId}`);
    assert.ok((view.body.messages as { body: string }[]).some((m) => m.body === 'thanks, here is the form'));

    // The bot side ends the chat (§5): PATCH the customer participant → customer.end, everyone out.
    const ended = await client.conversations.disconnectCustomer(conversationId, { signal: signal() });
    assert.equal(ended.outcome, 'disconnected');
    assert.equal(ended.participantId, customerParticipant.id);
    const customerEnd = await w.next('customer.end');
    assert.equal(customerEnd.participantId, customerParticipant.id);
    const final = await client.conversations.getConversation(conversationId, { signal: signal() });
    assert.equal(final.participants.find((p) => p.purpose === 'customer')?.state, 'disconnected');
    assert.deepEqual(
      (await client.conversations.disconnectCustomer(conversationId, { signal: signal() })).outcome,
      'already-disconnected',
    );
    // The agent is let go too; whatever user.end says, the read says the conversation is over.
    const userEnd = await w.next('user.end');
    assert.equal((await client.confirmUserEnd(userEnd, { signal: signal() })).outcome, 'conversation-ended');
    await watch.close();
  });
});

describe('the user.end pitfall (§4.6)', () => {
  test('a rejecting agent fires user.end (CLIENT) — the conversation says rejected; a real leave says agent-ended', async () => {
    const { conversationId, w, watch } = await startChat('chat-cust-reject');
    assert.equal((await agentApi(conversationId, 'agent/offer', { displayName: 'Bob Busy' })).status, 200);
    assert.equal((await agentApi(conversationId, 'agent/reject')).status, 200);
    const rejectEnd = await w.next('user.end');
    assert.equal(rejectEnd.disconnectType, 'CLIENT', 'the misleading event, as in W9');
    const rejected = await client.confirmUserEnd(rejectEnd, { signal: signal() });
    assert.equal(rejected.outcome, 'rejected');

    const seen = w.events.length;
    await agentApi(conversationId, 'agent/join', { displayName: 'Carol Closer' });
    await w.next('user.start', seen);
    await agentApi(conversationId, 'agent/leave');
    const leaveEnd = await w.next('user.end', seen);
    assert.equal((await client.confirmUserEnd(leaveEnd, { signal: signal() })).outcome, 'agent-ended');
    await w.next('acw', seen);
    await watch.close();
  });

  test('a transfer fires user.end for the first agent — transferred, not ended', async () => {
    const { conversationId, w, watch } = await startChat('chat-cust-transfer');
    await agentApi(conversationId, 'agent/join', { displayName: 'Dana First' });
    await w.next('user.start');
    const seen = w.events.length;
    assert.equal((await agentApi(conversationId, 'transfer', { displayName: 'Erin Second' })).status, 200);
    const end = await w.next('user.end', seen);
    const assessment = await client.confirmUserEnd(end, { signal: signal() });
    assert.equal(assessment.outcome, 'transferred');
    await watch.close();
  });
});

describe('notification socket faults (§4.6)', () => {
  test('a dropped socket: interrupted → reconnected → every topic re-subscribed → events flow again', async () => {
    const { conversationId, w, watch } = await startChat('chat-cust-drop');
    await injectFault(emulator, { kind: 'drop-notification-sockets', mode: 'drop' });
    await waitFor(() => w.states.some((s) => s.state === 'resubscribed'), { what: 'resubscribed' });
    assert.equal(w.states[0]?.state, 'interrupted');
    // The read after `resubscribed` is what the adapter does to catch up.
    const conv = await client.conversations.getConversation(conversationId, { signal: signal() });
    assert.equal(conv.id, conversationId);
    await agentApi(conversationId, 'agent/join', { displayName: 'Frank After' });
    const start = await w.next('user.start');
    assert.ok(start.userId);
    await watch.close();
  });

  test('v2.system.socket_closing: reconnected because of it, re-subscribed once, events flow', async () => {
    const { conversationId, w, watch } = await startChat('chat-cust-closing');
    await injectFault(emulator, { kind: 'drop-notification-sockets', mode: 'socket-closing' });
    await waitFor(() => w.states.some((s) => s.state === 'resubscribed'), { what: 'resubscribed' });
    await agentApi(conversationId, 'agent/join', { displayName: 'Gina Graceful' });
    await w.next('user.start');
    // §4.6 gives no grace between socket_closing and the close; the emulator closes 10 ms later, so an
    // `interrupted` may come first (make-before-break is covered against the fake, which waits).
    // Either way the reconnect is the socket_closing one, and the drop does not cause a second one.
    assert.deepEqual(
      w.states.filter((s) => s.state === 'resubscribed'),
      [{ state: 'resubscribed', reason: 'socket-closing' }],
    );
    await watch.close();
  });
});
