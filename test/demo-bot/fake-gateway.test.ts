// The demo bot against a scripted fake gateway (node:http): what it sends — the key in the
// Authorization header only, the start body, an Idempotency-Key reused across retries — and how it
// reacts to events the real stack rarely produces (handover.failed, a system notice).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ChatSession } from '../../src/demo-bot/chat-session.ts';
import { BACK_TO_BOT, DemoBot } from '../../src/demo-bot/demo-bot.ts';
import { GatewayClient } from '../../src/demo-bot/gateway-client.ts';
import { waitFor } from '../support/wait-for.ts';
import { FAKE_KEY as KEY, FakeGateway } from './fake-gateway.ts';

let gateway: FakeGateway;
let bot: DemoBot;
before(async () => {
  gateway = await FakeGateway.start();
  bot = new DemoBot({
    client: new GatewayClient({ baseUrl: gateway.url, apiKey: KEY }),
    endpoint: 'demo',
    logger: { info: () => undefined, warn: () => undefined },
    retryMs: 10,
  });
});
after(async () => {
  await bot.close();
  await gateway.close();
});

test('start body, message retries with one Idempotency-Key, notices, and handover.failed', async () => {
  const session = new ChatSession('sid-not-sent-anywhere');
  bot.greet(session);
  session.settings = {
    displayName: 'Kim',
    language: 'English',
    skills: ['general'],
    priority: 3,
    customAttributes: { tier: 'gold' },
  };
  await bot.customerMessage(session, 'hi');
  await bot.customerMessage(session, 'agent');
  const { seen } = gateway;
  const [body] = gateway.bodies('/v1/handovers');
  assert.equal(body.endpoint, 'demo');
  assert.deepEqual(body.customer, {
    userId: session.customerId,
    sessionId: session.customerId,
    displayName: 'Kim',
  });
  assert.deepEqual(body.settings, {
    language: 'English',
    skills: ['general'],
    priority: 3,
    customAttributes: { tier: 'gold' },
  });
  assert.deepEqual(
    body.transcript.map((l: any) => [l.role, l.text.slice(0, 10)]),
    [
      ['bot', 'Hi! I am t'],
      ['customer', 'hi'],
      ['bot', 'Hello! How'],
      ['customer', 'agent'],
    ],
  );
  assert.ok(
    !JSON.stringify(seen).includes('sid-not-sent-anywhere'),
    'the session cookie never leaves the bot',
  );
  const H = gateway.started[0]!;
  await waitFor(() => gateway.following(H), { what: 'event stream opened' });

  gateway.emit(H, 'handover.queued', { queue: 'Support' });
  gateway.emit(H, 'handover.system_message', {
    messageId: 'm1',
    text: 'All agents are busy.',
    source: 'notice',
  });
  await waitFor(() => session.itemsAfter(0).find((i) => i.text === 'All agents are busy.'), {
    what: 'notice',
  });
  assert.deepEqual(session.status, { mode: 'queued', queue: 'Support' });

  gateway.failNextMessages = 2;
  await bot.customerMessage(session, 'are you there?');
  const sends = seen.filter((s) => s.url.endsWith('/messages'));
  assert.equal(sends.length, 3, 'two 503s, then accepted');
  const keys = new Set(sends.map((s) => s.headers['idempotency-key']));
  assert.equal(keys.size, 1, 'every attempt carries the same Idempotency-Key');
  assert.ok(!session.itemsAfter(0).some((i) => i.text === 'This message did not reach the agent.'));

  gateway.emit(H, 'handover.failed', {
    error: { code: 'chat.error.invalid.queue', message: 'no such queue' },
  });
  await waitFor(() => session.itemsAfter(0).find((i) => i.text === BACK_TO_BOT), { what: 'bot back' });
  assert.ok(session.itemsAfter(0).some((i) => i.text.includes('could not be set up (no such queue)')));
  assert.deepEqual(session.status, { mode: 'bot' });
  assert.equal(session.handover, undefined);
  for (const s of seen) assert.equal(s.headers.authorization, `Bearer ${KEY}`);
});
