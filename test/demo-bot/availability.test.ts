// The demo bot and availability (issue 17): a refused start (ENDPOINT_CLOSED with the next opening,
// NO_AGENT_AVAILABLE) is told to the customer by the bot; handover.wait_estimate events become
// notices, an unchanged estimate only once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ChatSession } from '../../src/demo-bot/chat-session.ts';
import { DemoBot } from '../../src/demo-bot/demo-bot.ts';
import { GatewayClient } from '../../src/client/index.ts';
import { closedReply, NO_AGENT, waitNotice } from '../../src/demo-bot/replies.ts';
import { waitFor } from '../support/wait-for.ts';
import { FAKE_KEY as KEY, FakeGateway } from './fake-gateway.ts';

let gateway: FakeGateway;
let bot: DemoBot;
before(async () => {
  gateway = await FakeGateway.start();
  bot = new DemoBot({
    client: new GatewayClient({ baseUrl: gateway.url, apiKey: KEY }),
    endpoints: [{ id: 'demo', label: 'Guest chat' }],
    logger: { info: () => undefined, warn: () => undefined },
    retryMs: 10,
  });
});
after(async () => {
  await bot.close();
  await gateway.close();
});

const texts = (session: ChatSession): string[] => session.itemsAfter(0).map((i) => i.text);

test('closed: the bot says when the agents are back, and stays the one answering', async () => {
  const session = new ChatSession('sid-closed', bot.initialSettings());
  gateway.refuseNextStart = {
    code: 'ENDPOINT_CLOSED',
    message: 'The endpoint is closed.',
    nextOpening: '2026-07-06T06:00:00.000Z',
  };
  await bot.customerMessage(session, 'agent');
  assert.ok(texts(session).includes(closedReply('2026-07-06T06:00:00.000Z')));
  assert.match(closedReply('2026-07-06T06:00:00.000Z'), /Mon, 06 Jul 2026 06:00:00 UTC/);
  assert.deepEqual(session.status, { mode: 'bot' });
  assert.equal(session.handover, undefined);
  gateway.refuseNextStart = {
    code: 'ENDPOINT_CLOSED',
    message: 'The endpoint is closed.',
    nextOpening: null,
  };
  await bot.customerMessage(session, 'agent please');
  assert.ok(texts(session).includes(closedReply(undefined)));
});

test('no agent available: the bot says so', async () => {
  const session = new ChatSession('sid-no-agent', bot.initialSettings());
  gateway.refuseNextStart = { code: 'NO_AGENT_AVAILABLE', message: 'No agent.' };
  await bot.customerMessage(session, 'agent');
  assert.ok(texts(session).includes(NO_AGENT));
  assert.equal(session.handover, undefined);
});

test('wait estimates become notices; an unchanged one is not repeated', async () => {
  const session = new ChatSession('sid-wait', bot.initialSettings());
  await bot.customerMessage(session, 'agent');
  const H = gateway.started.at(-1)!;
  await waitFor(() => gateway.following(H), { what: 'event stream opened' });
  gateway.emit(H, 'handover.queued', { queue: 'Support' });
  gateway.emit(H, 'handover.wait_estimate', { estimatedWaitSeconds: 150, position: 3 });
  gateway.emit(H, 'handover.wait_estimate', { estimatedWaitSeconds: 150, position: 3 });
  gateway.emit(H, 'handover.wait_estimate', { estimatedWaitSeconds: 20, position: 1 });
  const next = 'You are next in the queue; an agent should be with you in less than a minute.';
  await waitFor(() => texts(session).includes(next) || undefined, { what: 'second estimate' });
  const first = 'You are number 3 in the queue; the estimated wait is about 3 minutes.';
  assert.equal(texts(session).filter((t) => t === first).length, 1);
  assert.equal(waitNotice({}), undefined);
  assert.equal(waitNotice({ estimatedWaitSeconds: 60 }), 'The estimated wait is about 1 minute.');
});
