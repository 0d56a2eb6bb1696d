// examples/bot-framework: a handoff.initiate activity (as botbuilder's EventFactory builds it, with
// its transcript attachment) starts a handover at the real gateway (emulator as Genesys); the agent's
// side comes back as handoff.status and message activities; the user's messages reach the agent.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Activity } from '@microsoft/agents-activity';
import { HandoffBridge, TRANSCRIPT_CONTENT_TYPE } from '../../examples/bot-framework/handoff-bridge.ts';
import { GatewayClient } from '../../src/client/index.ts';
import { API_KEY, startHarness, type Harness } from '../support/gateway-harness.ts';
import { waitFor } from '../support/wait-for.ts';

let h: Harness;
let bridge: HandoffBridge;
before(async () => {
  h = await startHarness();
  bridge = new HandoffBridge(new GatewayClient({ baseUrl: h.gateway.url, apiKey: API_KEY }), 'support');
});
after(async () => {
  await bridge.close();
  await h.close();
});

const conversation = { id: 'bf-conv-1' };
const user = { id: 'bf-user-1', name: 'Bea Framework', role: 'user' };
const bot = { id: 'bf-bot', name: 'Support bot', role: 'bot' };

test('handoff.initiate → handover; agent events → handoff.status and message activities', async () => {
  const sent: Activity[] = [];
  const initiate = {
    type: 'event',
    name: 'handoff.initiate',
    channelId: 'webchat',
    serviceUrl: 'http://127.0.0.1:3978',
    from: bot,
    recipient: user,
    conversation,
    value: { skill: 'technical', language: 'English', customAttributes: { plan: 'gold' } },
    attachments: [
      {
        contentType: TRANSCRIPT_CONTENT_TYPE,
        content: [
          { type: 'message', from: user, conversation, text: 'My router blinks red' },
          { type: 'message', from: bot, conversation, text: 'Let me get you a person.' },
        ],
      },
    ],
  };
  const handoverId = await bridge.initiate(initiate, (a) => {
    sent.push(a);
    return Promise.resolve();
  });

  const conv = await h.conversationFor('Bea Framework');
  assert.deepEqual(conv.routing.skills, ['technical']);
  assert.equal(conv.customer.customFields.plan, 'gold');
  await waitFor(() => sent.some((a) => a.name === 'handoff.status'), { what: 'handoff.status accepted' });
  assert.deepEqual(sent[0]?.value, { state: 'accepted' });

  assert.equal((await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/join`, {})).status, 200);
  await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/messages`, {
    body: 'Hi Bea, I can help.',
  });
  const reply = await waitFor(
    () => sent.find((a) => a.type === 'message' && a.text === 'Hi Bea, I can help.'),
    {
      what: 'agent message activity',
    },
  );
  assert.equal(reply.conversation?.id, conversation.id);

  assert.equal(
    await bridge.relay({ type: 'message', id: 'act-7', from: user, conversation, text: 'It still blinks' }),
    true,
  );
  await waitFor(
    async () => {
      const c = (await h.emu('GET', `/emulator/v1/conversations/${conv.id}`)).body;
      return (c.messages as any[]).some((m) => m.body === 'It still blinks');
    },
    { what: "the user's message at the agent" },
  );
  // The bot transcript reached the agent first.
  const c = (await h.emu('GET', `/emulator/v1/conversations/${conv.id}`)).body;
  assert.ok((c.messages as any[]).some((m) => /My router blinks red/.test(m.body)));

  await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/leave`);
  const done = await waitFor(
    () => sent.find((a) => a.name === 'handoff.status' && (a.value as any).state === 'completed'),
    { what: 'handoff.status completed' },
  );
  assert.deepEqual(done.value, { state: 'completed', message: 'agent_ended' });
  assert.equal(
    (await new GatewayClient({ baseUrl: h.gateway.url, apiKey: API_KEY }).getHandover(handoverId)).state,
    'ended',
  );
  assert.equal(await bridge.relay({ type: 'message', from: user, conversation, text: 'back to bot' }), false);
});
