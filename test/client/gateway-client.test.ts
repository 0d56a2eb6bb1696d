// The typed client (`genesys-handover/client`) against the real gateway and the Genesys emulator on
// 127.0.0.1: every /v1 operation, typed events over SSE (with resume), webhooks verified by the
// client's WebhookVerifier in a real HTTP receiver, errors with their stable codes, retries that keep
// the Idempotency-Key.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  GatewayApiError,
  GatewayClient,
  WebhookVerificationError,
  WebhookVerifier,
  type HandoverEvent,
  type WebhookDelivery,
} from '../../src/client/index.ts';
import { API_KEY, startHarness, type Harness } from '../support/gateway-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

/** A bot's webhook receiver: raw body + headers → WebhookVerifier, as docs/client.md shows. */
class BotReceiver {
  readonly deliveries: WebhookDelivery[] = [];
  readonly raw: { body: string; headers: Record<string, string> }[] = [];
  readonly rejected: unknown[] = [];
  readonly #verifier = new WebhookVerifier(SECRET);
  readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      this.raw.push({ body, headers: req.headers as Record<string, string> });
      try {
        this.deliveries.push(this.#verifier.verify(body, req.headers));
        res.writeHead(204).end();
      } catch (err) {
        this.rejected.push(err);
        res.writeHead(400).end();
      }
    });
  });
  url = '';
  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }
  events(handoverId: string): HandoverEvent[] {
    const seen = new Set<string>();
    return this.deliveries
      .flatMap((d) => (d.kind === 'event' && d.event.handoverId === handoverId ? [d.event] : []))
      .filter((e) => !seen.has(e.id) && seen.add(e.id));
  }
}

let h: Harness;
let client: GatewayClient;
const receiver = new BotReceiver();
before(async () => {
  await receiver.start();
  h = await startHarness({ endpointExtra: { webhook: { url: receiver.url, secrets: [SECRET] } } });
  client = new GatewayClient({ baseUrl: h.gateway.url, apiKey: API_KEY });
});
after(async () => {
  await h.close();
  receiver.server.closeAllConnections();
  await new Promise((r) => receiver.server.close(r));
});

const customer = (name: string) => ({ userId: `u-${name}`, sessionId: `s-${name}`, displayName: name });

describe('GatewayClient against the gateway', () => {
  test('a whole handover: start, follow, relay both ways, transcript, end — events typed and verified', async () => {
    const started = await client.startHandover({
      endpoint: 'support',
      customer: customer('Cleo Client'),
      settings: { skills: ['technical'], customAttributes: { tier: 3 } },
      transcript: [{ role: 'customer', text: 'Where is my invoice?' }],
    });
    assert.equal(started.state, 'requested');
    assert.deepEqual(started.settings.customAttributes, { brand: 'acme', tier: '3' });
    const again = await client.startHandover({ endpoint: 'support', customer: customer('Cleo Client') });
    assert.equal(
      again.id,
      started.id,
      'a second start of the same customer session returns the same handover',
    );

    const seen: HandoverEvent[] = [];
    const following = client.followEvents(started.id, {
      signal: AbortSignal.timeout(30_000),
      retryMs: 100,
      onEvent: (e) => void seen.push(e),
      onInvalid: (reason) => assert.fail(reason),
    });

    await waitFor(() => seen.some((e) => e.type === 'handover.queued'), { what: 'queued' });
    const conv = await h.conversationFor('Cleo Client');
    const join = await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/join`, {});
    assert.equal(join.status, 200, JSON.stringify(join.body));
    await waitFor(() => seen.some((e) => e.type === 'handover.agent_joined'), { what: 'agent joined' });

    // One message sent twice with the same key (a retry after a lost answer) is stored once.
    const key = randomUUID();
    const first = await client.sendMessage(started.id, 'My invoice number is 42', { idempotencyKey: key });
    const second = await client.sendMessage(started.id, 'My invoice number is 42', { idempotencyKey: key });
    assert.deepEqual(second.parts, first.parts);
    assert.equal(typeof (await client.typing(started.id)), 'boolean');
    assert.equal(typeof (await client.setPresence(started.id, 'back')), 'boolean');

    await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/messages`, { body: 'Found it, Cleo.' });
    const reply = await waitFor(() => seen.find((e) => e.type === 'handover.agent_message'), {
      what: 'agent message',
    });
    assert.equal(reply.data.text, 'Found it, Cleo.');
    assert.equal(reply.timestamp, reply.occurredAt, 'Standard Webhooks field name beside occurredAt');

    const transcript = await client.getTranscript(started.id);
    assert.equal(transcript.filter((t) => t.text === 'My invoice number is 42').length, 1);
    assert.ok(transcript.some((t) => t.role === 'agent' && t.text === 'Found it, Cleo.'));

    const ended = await client.endHandover(started.id);
    assert.ok(ended.state === 'ended' || ended.closing !== undefined);
    assert.equal(await following, 'finished');
    assert.equal(seen.at(-1)?.type, 'handover.ended');
    assert.deepEqual(
      seen.map((e) => e.seq),
      seen.map((_, i) => i + 1),
      'every event once, in order',
    );
    assert.equal((await client.getHandover(started.id)).state, 'ended');

    // The same events reached the bot's webhook receiver, verified and parsed by WebhookVerifier.
    const hooked = await waitFor(
      () => {
        const events = receiver.events(started.id);
        return events.at(-1)?.type === 'handover.ended' ? events : undefined;
      },
      { what: 'webhook events' },
    );
    assert.deepEqual(hooked, seen);
    assert.deepEqual(receiver.rejected, []);

    // Resume: after the second event, the follower hands over the third onwards.
    const resumed: HandoverEvent[] = [];
    const result = await client.followEvents(started.id, {
      signal: AbortSignal.timeout(10_000),
      lastEventId: seen[1]!.id,
      onEvent: (e) => void resumed.push(e),
    });
    assert.equal(result, 'finished');
    assert.deepEqual(resumed, seen.slice(2));

    // A tampered delivery is rejected.
    const sample = receiver.raw[0]!;
    assert.throws(
      () => new WebhookVerifier(SECRET).verify(sample.body.replace('"seq":', '"seq": '), sample.headers),
      WebhookVerificationError,
    );

    const listed = [];
    for await (const item of client.handovers({ endpoint: 'support', limit: 1 })) listed.push(item.id);
    assert.ok(listed.includes(started.id), 'the iterator follows nextCursor');
    assert.deepEqual(await client.listDeadLetters({ endpoint: 'support' }), { items: [] });
    assert.equal(await client.replayDeadLetters({ handoverId: started.id }), 0);
  });

  test('errors carry the stable codes of the error catalogue', async () => {
    const code = async (p: Promise<unknown>) => {
      const err = await p.then(
        () => assert.fail('expected an error'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof GatewayApiError, String(err));
      return [err.status, err.code, err.details.map((d) => d.path)] as const;
    };
    assert.deepEqual(await code(client.getHandover(randomUUID())), [404, 'HANDOVER_NOT_FOUND', []]);
    assert.deepEqual(
      await code(client.startHandover({ endpoint: 'support', customer: { userId: '', sessionId: 's' } })),
      [400, 'VALIDATION_FAILED', ['body.customer.userId']],
    );
    assert.deepEqual(await code(client.startHandover({ endpoint: 'other', customer: customer('Nope') })), [
      403,
      'FORBIDDEN',
      [],
    ]);
    const wrongKey = new GatewayClient({ baseUrl: h.gateway.url, apiKey: 'not-a-key' });
    assert.deepEqual(await code(wrongKey.listHandovers()), [401, 'UNAUTHENTICATED', []]);
    const done = await client.startHandover({ endpoint: 'support', customer: customer('Dora Done') });
    await client.endHandover(done.id);
    await waitFor(async () => (await client.getHandover(done.id)).state === 'ended', { what: 'ended' });
    assert.deepEqual(await code(client.sendMessage(done.id, 'late')), [409, 'HANDOVER_NOT_ACTIVE', []]);
  });
});

describe('POST /v1/endpoints/{id}/webhook-test through the client', () => {
  test("a signed webhook.test reaches the endpoint's webhook; an endpoint the key does not name: 403", async () => {
    const result = await client.testWebhook('support');
    assert.equal(result.delivered, true, JSON.stringify(result));
    assert.equal(result.status, 204);
    const delivery = await waitFor(
      () => receiver.deliveries.find((d) => d.kind === 'test' && d.event.id === result.eventId),
      { what: 'the test delivery' },
    );
    assert.ok(delivery.kind === 'test');
    assert.equal(delivery.event.endpointId, 'support');
    await assert.rejects(client.testWebhook('other'), { status: 403, code: 'FORBIDDEN' });
    // (An unknown endpoint is a 404 UNKNOWN_ENDPOINT for a key valid for every endpoint, '*'.)
    await assert.rejects(client.testWebhook('nope'), { status: 403, code: 'FORBIDDEN' });
  });
});

describe('GatewayClient retries', () => {
  test('503 with Retry-After is retried with the same Idempotency-Key; a 4xx is not retried', async () => {
    const keys: (string | undefined)[] = [];
    let answers = [503, 503, 202];
    const server = createServer((req, res) => {
      keys.push(req.headers['idempotency-key'] as string | undefined);
      const status = answers.shift() ?? 409;
      const body =
        status === 202
          ? { parts: [{ id: 'p1', order: 1, length: 2 }] }
          : { error: { code: status === 503 ? 'SHUTTING_DOWN' : 'HANDOVER_NOT_ACTIVE', message: 'x' } };
      res
        .writeHead(status, { 'content-type': 'application/json', 'retry-after': '0' })
        .end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const c = new GatewayClient({ baseUrl: url, apiKey: 'k', retry: { initialDelayMs: 1, maxDelayMs: 5 } });
      const result = await c.sendMessage(randomUUID(), 'hi');
      assert.deepEqual(result.parts, [{ id: 'p1', order: 1, length: 2 }]);
      assert.equal(keys.length, 3);
      assert.equal(new Set(keys).size, 1, 'one key for every try');
      assert.ok(keys[0]);

      keys.length = 0;
      answers = [409];
      await assert.rejects(c.sendMessage(randomUUID(), 'hi'), { code: 'HANDOVER_NOT_ACTIVE', status: 409 });
      assert.equal(keys.length, 1, 'a 409 is an answer, not retried');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
