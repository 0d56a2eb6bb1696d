// The demo bot against a scripted fake gateway (node:http): what it sends — the key in the
// Authorization header only, the start body with the session's contact center, an Idempotency-Key
// reused across retries, a link as plain text — and how it reacts to events the real stack rarely
// produces (handover.failed, a system notice, an agent's attachments).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ChatSession } from '../../src/demo-bot/chat-session.ts';
import { BACK_TO_BOT, DemoBot } from '../../src/demo-bot/demo-bot.ts';
import { GatewayClient } from '../../src/client/index.ts';
import { waitFor } from '../support/wait-for.ts';
import { FAKE_KEY as KEY, FakeGateway } from './fake-gateway.ts';

const ENDPOINTS = [
  { id: 'demo', label: 'Guest chat' },
  { id: 'demo-om', label: 'Web messaging' },
];

let gateway: FakeGateway;
let bot: DemoBot;
before(async () => {
  gateway = await FakeGateway.start();
  bot = new DemoBot({
    client: new GatewayClient({ baseUrl: gateway.url, apiKey: KEY }),
    endpoints: ENDPOINTS,
    logger: { info: () => undefined, warn: () => undefined },
    retryMs: 10,
  });
});
after(async () => {
  await bot.close();
  await gateway.close();
});

test('start body, message retries with one Idempotency-Key, notices, and handover.failed', async () => {
  const session = new ChatSession('sid-not-sent-anywhere', bot.initialSettings());
  bot.greet(session);
  session.settings = {
    endpoint: 'demo-om',
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
  assert.equal(body.endpoint, 'demo-om', "the session's contact center");
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

test('the contact center: only offered ones, and fixed from the start request until the handover is over', () => {
  const session = new ChatSession('sid', bot.initialSettings());
  assert.equal(session.settings.endpoint, 'demo', 'the first endpoint is the default');
  const choice = { ...session.settings, endpoint: 'demo-om' };
  assert.equal(bot.updateSettings(session, { ...choice, endpoint: 'other' }), 'unknown_endpoint');
  assert.equal(bot.updateSettings(session, choice), undefined);
  assert.equal(session.settings.endpoint, 'demo-om');
  // "Talk to an agent" pressed: the start request is out, no handover id yet.
  session.setStatus({ mode: 'connecting' });
  assert.equal(bot.updateSettings(session, { ...choice, endpoint: 'demo' }), 'handover_in_progress');
  assert.equal(session.settings.endpoint, 'demo-om', 'a refused change changes nothing');
  assert.equal(bot.updateSettings(session, { ...choice, displayName: 'Kim' }), undefined, 'other fields may');
  assert.equal(session.settings.displayName, 'Kim');
  session.setStatus({ mode: 'bot' });
  assert.equal(bot.updateSettings(session, { ...choice, endpoint: 'demo' }), undefined);
});

test("a link the customer types is text; an agent's files become page items, unsafe URLs dropped", async () => {
  const session = new ChatSession('sid', bot.initialSettings());
  await bot.requestHandover(session);
  const H = gateway.started.at(-1)!;
  await waitFor(() => gateway.following(H), { what: 'event stream opened' });

  await bot.customerMessage(session, 'Here it is: https://example.com/photo.png');
  assert.deepEqual(gateway.bodies(`/v1/handovers/${H}/messages`), [
    { text: 'Here it is: https://example.com/photo.png' },
  ]);

  const agent = { id: 'a1', displayName: 'Alice Moreau' };
  gateway.emit(H, 'handover.agent_message', {
    messageId: 'm1',
    text: '',
    agent,
    attachments: [
      { url: 'https://cdn.example.com/files/label%20scan.png', mediaType: 'image', mime: 'image/png' },
      { url: 'javascript:alert(1)', mediaType: 'file', filename: 'evil.pdf' },
      { url: 'https://cdn.example.com/x', mediaType: 'file', filename: 'invoice.pdf', sizeBytes: 20480 },
      { url: 'https://example.com/track?id=7', mediaType: 'link' },
      { url: 'http://example.com/new.bin', mediaType: 'hologram' },
    ],
  });
  gateway.emit(H, 'handover.agent_message', {
    messageId: 'm2',
    text: '',
    agent,
    attachments: [{ url: 'data:text/html,<b>x</b>', mediaType: 'image' }],
  });
  gateway.emit(H, 'handover.agent_message', { messageId: 'm3', text: 'Anything else?', agent });
  const last = await waitFor(() => session.itemsAfter(0).find((i) => i.text === 'Anything else?'));
  assert.equal(last.attachments, undefined, 'a text-only message has no attachments field');

  const files = session.itemsAfter(0).find((i) => i.kind === 'agent' && i.attachments)!;
  assert.equal(files.text, '');
  assert.deepEqual(files.attachments, [
    {
      url: 'https://cdn.example.com/files/label%20scan.png',
      mediaType: 'image',
      name: 'label scan.png',
      mime: 'image/png',
    },
    { url: 'https://cdn.example.com/x', mediaType: 'file', name: 'invoice.pdf', sizeBytes: 20480 },
    { url: 'https://example.com/track?id=7', mediaType: 'link', name: 'example.com/track' },
    // A media type this bot does not know is a file.
    { url: 'http://example.com/new.bin', mediaType: 'file', name: 'new.bin' },
  ]);
  assert.ok(
    session
      .itemsAfter(0)
      .some((i) => i.kind === 'notice' && i.text === 'Alice Moreau sent a file that cannot be shown here.'),
  );
  assert.doesNotMatch(JSON.stringify(session.itemsAfter(0)), /javascript:|data:text/);
  await bot.endHandover(session);
  assert.equal(session.handover, undefined);
});
