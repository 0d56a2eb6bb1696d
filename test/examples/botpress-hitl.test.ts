// examples/botpress-hitl: Botpress' HITL interface (createUser, startHitl, hitl channel messages,
// stopHitl; hitlAssigned / hitlStopped / agent messages back) on the real gateway with the emulator
// as Genesys. The Botpress side is a recorder of what the integration would tell Botpress.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GatewayHitl, type BotpressSide } from '../../examples/botpress-hitl/gateway-hitl.ts';
import { GatewayClient } from '../../src/client/index.ts';
import { API_KEY, startHarness, type Harness } from '../support/gateway-harness.ts';
import { waitFor } from '../support/wait-for.ts';

let h: Harness;
let hitl: GatewayHitl;
const told: { kind: string; conversationId: string; text?: string }[] = [];
const botpress: BotpressSide = {
  createMessage: (m) => {
    told.push({ kind: 'message', conversationId: m.conversationId, text: m.text });
    return Promise.resolve();
  },
  createEvent: (e) => {
    told.push({ kind: e.type, conversationId: e.conversationId });
    return Promise.resolve();
  },
};
before(async () => {
  h = await startHarness();
  hitl = new GatewayHitl(new GatewayClient({ baseUrl: h.gateway.url, apiKey: API_KEY }), 'support', botpress);
});
after(async () => {
  await hitl.close();
  await h.close();
});

test('start, agent assigned, messages both ways, stop → hitlStopped', async () => {
  const { userId } = hitl.createUser({ userId: 'bp-user-1', name: 'Pia Botpress' });
  const { conversationId } = await hitl.startHitl({
    userId,
    title: 'Refund request',
    messageHistory: [
      { source: { type: 'user' }, type: 'text', payload: { text: 'I want a refund' } },
      { source: { type: 'bot' }, type: 'text', payload: { text: 'Connecting you to a person.' } },
    ],
  });
  const conv = await h.conversationFor('Pia Botpress');
  assert.equal((await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/join`, {})).status, 200);
  await waitFor(() => told.some((t) => t.kind === 'hitlAssigned'), { what: 'hitlAssigned' });

  await hitl.message({ conversationId, text: 'Order 1234', messageId: 'bp-msg-1' });
  await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/messages`, { body: 'Refund issued.' });
  await waitFor(() => told.some((t) => t.kind === 'message' && t.text === 'Refund issued.'), {
    what: 'agent message',
  });
  const atAgent = (await h.emu('GET', `/emulator/v1/conversations/${conv.id}`)).body.messages as any[];
  assert.ok(atAgent.some((m) => m.body === 'Order 1234'));
  assert.ok(
    atAgent.some((m) => /Refund request[\s\S]*I want a refund/.test(m.body)),
    'history as transcript',
  );

  await hitl.stopHitl({ conversationId });
  await waitFor(() => told.some((t) => t.kind === 'hitlStopped'), { what: 'hitlStopped' });
  assert.deepEqual(
    told.map((t) => t.kind),
    ['hitlAssigned', 'message', 'hitlStopped'],
  );
  assert.ok(told.every((t) => t.conversationId === conversationId));
});
