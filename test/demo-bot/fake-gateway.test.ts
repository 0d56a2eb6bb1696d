// The demo bot against a scripted fake gateway (node:http): what it sends — the key in the
// Authorization header only, the start body, an Idempotency-Key reused across retries — and how it
// reacts to events the real stack rarely produces (handover.failed, a system notice).
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { ChatSession } from '../../src/demo-bot/chat-session.ts';
import { BACK_TO_BOT, DemoBot } from '../../src/demo-bot/demo-bot.ts';
import { GatewayClient } from '../../src/demo-bot/gateway-client.ts';
import { waitFor } from '../support/wait-for.ts';

const KEY = 'fake-key-0123456789abcdefghij';
const H = '6f1c2a3b-0000-4000-8000-00000000beef';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
const seen: Seen[] = [];
let failNextMessages = 0;
let stream: ServerResponse | undefined;
let seq = 0;

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    if (req.headers.authorization !== `Bearer ${KEY}`) return void res.writeHead(401).end();
    if (req.url === '/v1/handovers' && req.method === 'POST') {
      return void res
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: H, state: 'requested', extra: 'ignored' }));
    }
    if (req.url === `/v1/handovers/${H}/events`) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      stream = res;
      return;
    }
    if (req.url === `/v1/handovers/${H}/messages`) {
      if (failNextMessages > 0) {
        failNextMessages--;
        return void res
          .writeHead(503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'try again' } }));
      }
      return void res.writeHead(202, { 'content-type': 'application/json' }).end('{"parts":[]}');
    }
    res.writeHead(404).end();
  });
});

function emit(type: string, data: unknown): void {
  seq++;
  const event = { id: `e${seq}`, type, handoverId: H, seq, occurredAt: new Date().toISOString(), data };
  stream!.write(`id: e${seq}\nevent: ${type}\ndata: ${JSON.stringify(event)}\n\n`);
}

let bot: DemoBot;
before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  bot = new DemoBot({
    client: new GatewayClient({ baseUrl: `http://127.0.0.1:${port}/`, apiKey: KEY }),
    endpoint: 'demo',
    logger: { info: () => undefined, warn: () => undefined },
    retryMs: 10,
  });
});
after(async () => {
  await bot.close();
  stream?.end();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
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
  const start = seen.find((s) => s.url === '/v1/handovers')!;
  const body = JSON.parse(start.body);
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
  await waitFor(() => stream, { what: 'event stream opened' });

  emit('handover.queued', { queue: 'Support' });
  emit('handover.system_message', { messageId: 'm1', text: 'All agents are busy.', source: 'notice' });
  await waitFor(() => session.itemsAfter(0).find((i) => i.text === 'All agents are busy.'), {
    what: 'notice',
  });
  assert.deepEqual(session.status, { mode: 'queued', queue: 'Support' });

  failNextMessages = 2;
  await bot.customerMessage(session, 'are you there?');
  const sends = seen.filter((s) => s.url.endsWith('/messages'));
  assert.equal(sends.length, 3, 'two 503s, then accepted');
  const keys = new Set(sends.map((s) => s.headers['idempotency-key']));
  assert.equal(keys.size, 1, 'every attempt carries the same Idempotency-Key');
  assert.ok(!session.itemsAfter(0).some((i) => i.text === 'This message did not reach the agent.'));

  emit('handover.failed', { error: { code: 'chat.error.invalid.queue', message: 'no such queue' } });
  await waitFor(() => session.itemsAfter(0).find((i) => i.text === BACK_TO_BOT), { what: 'bot back' });
  assert.ok(session.itemsAfter(0).some((i) => i.text.includes('could not be set up (no such queue)')));
  assert.deepEqual(session.status, { mode: 'bot' });
  assert.equal(session.handover, undefined);
  for (const s of seen) assert.equal(s.headers.authorization, `Bearer ${KEY}`);
});
