// The Open Messaging provider against the real emulator over loopback (its independent reading of the
// protocol): a whole handover's conversation — start with routing attributes, an agent joins with a
// name, agent text and a file reach the webhook and `read()` maps them, history through the bulk call,
// a transfer and a reject that are no ends, a receipt, the end — and check() with a wrong secret.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningEmulator } from '../../../src/emulator/index.ts';
import {
  ProviderError,
  type HistoryMessage,
  type ProviderEvent,
  type ProviderRef,
  type ProviderStartRequest,
} from '../../../src/core/ports/provider.ts';
import {
  OpenMessagingClient,
  OpenMessagingProvider,
} from '../../../src/providers/genesys-open-messaging/index.ts';
import { SYSTEM_TIME } from '../../support/system-time.ts';
import { waitFor } from '../../support/wait-for.ts';
import {
  clientFor,
  emulatorApi,
  INTEGRATION_ID,
  startOmEmulator,
  WEBHOOK_SECRET,
} from './emulator-harness.ts';
import { startOmWebhookReceiver, type OmWebhookReceiver } from './om-webhook-receiver.ts';
import { coreRecorder, describeEvent } from './provider-rig.ts';

const signal = () => new AbortController().signal;

let emulator: RunningEmulator;
let receiver: OmWebhookReceiver;
let provider: OpenMessagingProvider;

before(async () => {
  receiver = await startOmWebhookReceiver(WEBHOOK_SECRET);
  emulator = await startOmEmulator(
    { webhookRetryDelayMs: 10, acwDurationMs: 50, architect: { responses: ['Thanks! Connecting you.'] } },
    receiver.url,
  );
  const { client } = clientFor(emulator, {
    notifications: { reconnectBackoff: { initialDelayMs: 50, maxDelayMs: 200 } },
  });
  provider = new OpenMessagingProvider({ client, webhookSecret: WEBHOOK_SECRET, ...SYSTEM_TIME });
});
after(async () => {
  await provider.close();
  await emulator.close();
  await receiver.close();
});

const request = (handoverId: string): ProviderStartRequest => ({
  handoverId,
  endpointId: 'om',
  customer: { userId: 'u1', sessionId: 's1', displayName: 'Alex', firstName: 'Alex', lastName: 'Doe' },
  settings: {
    queue: 'Support',
    language: 'English',
    skills: ['technical'],
    priority: 3,
    customAttributes: { plan: 'gold' },
  },
  requestedAt: new Date().toISOString(),
});

/** A started and attached handover conversation. */
async function handover(handoverId: string) {
  const ref = await provider.start(request(handoverId), signal());
  const core = coreRecorder();
  const connection = await provider.attach(ref, core.handlers, signal());
  await waitFor(() => core.states.some((s) => s.state === 'open'), { what: 'open' });
  const conversationId = ref.data.conversationId as string;
  const agentApi = (action: string, body: unknown = {}) =>
    emulatorApi(emulator, 'POST', `/conversations/${conversationId}/${action}`, body);
  const participantEvents = () =>
    core.events.filter((e) => e.type === 'participant').map((e) => describeName(e));
  return { ref, core, connection, conversationId, agentApi, participantEvents };
}

/** `agent:Alice Moreau:connected`, `customer:disconnected`. */
function describeName(e: ProviderEvent): string {
  if (e.type !== 'participant') return describeEvent(e);
  return e.participant.role === 'agent'
    ? `agent:${e.participant.displayName ?? e.participant.id}:${e.state}`
    : `${e.participant.role}:${e.state}`;
}

/** The webhook calls for this customer, read by the provider like the gateway's route does. */
async function readWebhookCalls(customerId: string): Promise<ProviderEvent[]> {
  const out: ProviderEvent[] = [];
  for (const call of receiver.calls) {
    if (call.outcome.verdict !== 'event' || call.outcome.event.customerId !== customerId) continue;
    const reading = await provider.webhook.read(call.raw, call.headers, signal());
    if (reading.kind === 'events') out.push(...reading.events);
  }
  return out;
}

async function history(ref: ProviderRef, after?: string): Promise<HistoryMessage[]> {
  const out: HistoryMessage[] = [];
  for await (const m of provider.history(ref, after, signal())) out.push(m);
  return out;
}

describe('the OM provider against the emulator', () => {
  test('a whole conversation: start, join, both ways, history, receipt, end', async () => {
    const h = await handover('it-whole');
    assert.deepEqual(h.ref.data, { conversationId: h.conversationId, customerId: 'hg-it-whole' });

    // The routing settings reached the flow as participant data (§6) and routed the conversation.
    const routed = await emulatorApi(emulator, 'GET', `/conversations/${h.conversationId}`);
    assert.equal(routed.body.queue, 'Support');
    assert.deepEqual(routed.body.routing, { skills: ['technical'], language: 'English', priority: 3 });
    assert.deepEqual(routed.body.customer.customFields, {
      plan: 'gold',
      hg_queue: 'Support',
      hg_language: 'English',
      hg_skills: 'technical',
      hg_priority: '3',
    });

    // An agent joins: the core hears it from the notification, with the name and picture.
    assert.equal((await h.agentApi('agent/join', { displayName: 'Alice Moreau' })).status, 200);
    await waitFor(() => h.core.events.length >= 1, { what: 'agent joined' });
    const joined = h.core.events[0];
    assert.ok(joined?.type === 'participant');
    assert.equal(joined.state, 'connected');
    assert.equal(joined.participant.displayName, 'Alice Moreau');
    assert.match(joined.participant.avatarUrl ?? '', /alice-moreau\.svg$/);

    // Agent → customer: text and a file on the webhook, read by the provider.
    const said = await h.agentApi('agent/messages', { body: 'Hi, I am Alice.' });
    await h.agentApi('agent/attachments', {
      filename: 'receipt.png',
      mime: 'image/png',
      contentBase64: Buffer.from('png bytes').toString('base64'),
    });
    await h.agentApi('agent/typing');
    const pushed = await waitFor(
      async () => {
        const events = await readWebhookCalls('hg-it-whole');
        return events.filter((e) => e.type !== 'participant').length >= 4 ? events : undefined;
      },
      { what: 'flow text, agent text, file and typing on the webhook' },
    );
    const byKind = (type: ProviderEvent['type']) => pushed.filter((e) => e.type === type);
    assert.equal(byKind('participant').length, 0, 'the watch had announced the agent already');
    const messages = byKind('message');
    assert.deepEqual(
      messages.map((m) => describeEvent(m)),
      [
        'message:system:genesys-flow:Thanks! Connecting you.',
        `message:agent:${joined.participant.id}:Hi, I am Alice.`,
        `message:agent:${joined.participant.id}:`,
      ],
    );
    const file = messages[2];
    assert.ok(file?.type === 'message');
    const attachment = file.attachments?.[0];
    assert.ok(attachment);
    assert.equal(attachment.mediaType, 'image');
    assert.equal(attachment.filename, 'receipt.png');
    const download = await fetch(attachment.url);
    assert.equal(Buffer.from(await download.arrayBuffer()).toString(), 'png bytes');
    const typing = byKind('typing')[0];
    assert.ok(typing?.type === 'typing');
    assert.equal(typing.participant.id, joined.participant.id);
    assert.equal(typing.durationMs, 5000);
    const agentMessage = messages[1];
    assert.ok(agentMessage?.type === 'message');
    assert.equal(agentMessage.providerMessageId, said.body.message.id);

    // Customer → agent; then the history has everything in order, texts from the bulk call.
    const sent = await provider.send(
      h.ref,
      { id: 'line-1', text: 'Thanks, Alice', kind: 'text', at: new Date().toISOString() },
      signal(),
    );
    const all = await history(h.ref);
    assert.deepEqual(
      all.map((m) => `${m.participant.role}:${m.own ? 'own' : '-'}:${m.text}`),
      [
        'customer:own:Alex was handed over by the bot.',
        'system:-:Thanks! Connecting you.',
        'agent:-:Hi, I am Alice.',
        'agent:-:',
        'customer:own:Thanks, Alice',
      ],
    );
    assert.equal(all[2]!.providerMessageId, said.body.message.id);
    assert.equal(all[2]!.participant.displayName, 'Alice Moreau');
    assert.equal(all[3]!.attachments?.[0]?.filename, 'receipt.png');
    assert.equal(all[4]!.providerMessageId, sent.providerMessageId);
    assert.deepEqual(
      (await history(h.ref, said.body.message.id as string)).map((m) => m.text),
      ['', 'Thanks, Alice'],
    );

    // The bot got the agent's message: a Delivered receipt the emulator records (§3.3).
    assert.ok(provider.acknowledge);
    await provider.acknowledge(h.ref, said.body.message.id as string, 'delivered', signal());
    const view = await emulatorApi(emulator, 'GET', `/conversations/${h.conversationId}`);
    const delivered = (view.body.messages as any[]).find((m) => m.id === said.body.message.id);
    assert.equal(delivered.delivery.status, 'Delivered');

    // The bot ends it (§5): the customer leaves; no message may open a new conversation after that.
    await provider.end(h.ref, signal());
    await waitFor(() => h.participantEvents().includes('customer:disconnected'), { what: 'customer left' });
    assert.equal(
      (await emulatorApi(emulator, 'GET', `/conversations/${h.conversationId}`)).body.state,
      'ended',
    );
    const late = await provider
      .send(h.ref, { id: 'line-2', text: 'one more', kind: 'text', at: new Date().toISOString() }, signal())
      .catch((e: unknown) => e);
    assert.ok(late instanceof ProviderError);
    assert.equal(late.code, 'OM_CONVERSATION_ENDED');
    await h.connection.close();
  });

  test('a transfer is no end: the next agent connects, the first leaves, the customer stays', async () => {
    const h = await handover('it-transfer');
    await h.agentApi('agent/join', { displayName: 'Alice Moreau' });
    await waitFor(() => h.participantEvents().length === 1, { what: 'first agent' });
    assert.equal((await h.agentApi('transfer', { displayName: 'Bruno Schmidt' })).status, 200);
    await waitFor(() => h.participantEvents().length === 3, { what: 'transfer events' });
    // Then the second agent ends the chat: only now does the customer leave.
    await h.agentApi('agent/leave');
    await waitFor(() => h.participantEvents().includes('customer:disconnected'), { what: 'the end' });
    const events = h.participantEvents();
    assert.deepEqual(events.slice(0, 4), [
      'agent:Alice Moreau:connected',
      'agent:Bruno Schmidt:connected',
      'agent:Alice Moreau:disconnected',
      'agent:Bruno Schmidt:disconnected',
    ]);
    assert.ok(events.slice(4).every((e) => e === 'customer:disconnected'));
    await h.connection.close();
  });

  test('a reject is no end: the offered agent goes, the next one connects', async () => {
    const h = await handover('it-reject');
    assert.equal((await h.agentApi('agent/offer', { displayName: 'Chen Wei' })).status, 200);
    await waitFor(() => h.participantEvents().includes('agent:Chen Wei:alerting'), { what: 'offer' });
    assert.equal((await h.agentApi('agent/reject')).status, 200);
    await waitFor(() => h.participantEvents().includes('agent:Chen Wei:disconnected'), { what: 'reject' });
    await h.agentApi('agent/join', { displayName: 'Alice Moreau' });
    await waitFor(() => h.participantEvents().includes('agent:Alice Moreau:connected'), {
      what: 'next agent',
    });
    assert.deepEqual(h.participantEvents(), [
      'agent:Chen Wei:alerting',
      'agent:Chen Wei:disconnected',
      'agent:Alice Moreau:connected',
    ]);
    // The customer is still there: participants() says so too.
    const participants = await provider.participants(h.ref, signal());
    assert.equal(participants.find((p) => p.participant.role === 'customer')?.state, 'connected');
    await h.connection.close();
  });

  test('an offered agent who answers later is connected (read again while alerting)', async () => {
    const h = await handover('it-accept');
    await h.agentApi('agent/offer', { displayName: 'Chen Wei' });
    await waitFor(() => h.participantEvents().includes('agent:Chen Wei:alerting'), { what: 'offer' });
    await h.agentApi('agent/accept');
    await waitFor(() => h.participantEvents().includes('agent:Chen Wei:connected'), {
      what: 'connected after the follow-up read',
    });
    await h.connection.close();
  });

  test('check(): passes with the right credentials, says plainly what is wrong with a wrong secret', async () => {
    await provider.check(signal());
    const wrong = new OpenMessagingProvider({
      client: new OpenMessagingClient({
        ...SYSTEM_TIME,
        target: { baseUrl: emulator.url },
        credentials: { clientId: 'om-client', clientSecret: 'not-the-right-one-0' },
        integrationId: INTEGRATION_ID,
      }),
      webhookSecret: WEBHOOK_SECRET,
      ...SYSTEM_TIME,
    });
    const err = await wrong.check(signal()).catch((e: unknown) => e);
    assert.ok(err instanceof ProviderError);
    assert.equal(err.code, 'OM_AUTH_FAILED');
    assert.match(err.message, /check the client id, the client secret and the region/);
    assert.doesNotMatch(err.message, /not-the-right-one/);
    await wrong.close();
  });
});
