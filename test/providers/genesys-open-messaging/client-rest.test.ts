import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { afterEach, describe, test } from 'node:test';
import {
  OpenMessagingAbortedError,
  OpenMessagingApiError,
  OpenMessagingAuthError,
  OpenMessagingClient,
  OpenMessagingRequestError,
  OpenMessagingResponseError,
  OpenMessagingTimeoutError,
  classifyOpenMessagingError,
  type OpenMessagingClientOptions,
} from '../../../src/providers/genesys-open-messaging/index.ts';
import { VirtualTime } from '../../../src/time/virtual-time.ts';
import { waitFor } from '../../support/wait-for.ts';
import { authorized, CLIENT_ID, CLIENT_SECRET, FakeGenesys } from './fake-genesys.ts';
import { SYSTEM_TIME } from '../../support/system-time.ts';

const INTEGRATION = 'integ-1';
const INBOUND = `/api/v2/conversations/messages/${INTEGRATION}/inbound/open`;
const signal = () => new AbortController().signal;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(extra: Partial<OpenMessagingClientOptions> = {}) {
  const fake = await FakeGenesys.start();
  cleanups.push(() => fake.close());
  const client = new OpenMessagingClient({
    ...SYSTEM_TIME,
    target: { baseUrl: fake.url },
    credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    integrationId: INTEGRATION,
    ...extra,
  });
  cleanups.push(() => client.close());
  return { fake, client };
}

const messageAnswer = (req: { body: string }) => ({
  body: {
    id: 'gm-1',
    conversationId: 'conv-1',
    channel: { messageId: JSON.parse(req.body).channel.messageId },
  },
});

describe('OpenMessagingClient — OAuth and transport', () => {
  test('token request exactly as §1.2; API calls carry the bearer token; one token for concurrent calls', async () => {
    const { fake, client } = await setup();
    fake.route('POST', `${INBOUND}/message`, authorized(fake, messageAnswer));
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        client.inbound.sendMessage({ customer: { id: 'c1' }, text: `hello ${i}` }, { signal: signal() }),
      ),
    );
    const tokenCalls = fake.calls('POST', '/login/oauth/token');
    assert.equal(tokenCalls.length, 1);
    const t = tokenCalls[0]!;
    assert.equal(
      t.headers.authorization,
      'Basic ' + Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'),
    );
    assert.equal(t.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(t.body, 'grant_type=client_credentials');
    for (const call of fake.calls('POST', `${INBOUND}/message`))
      assert.equal(call.headers.authorization, 'Bearer tok-1');
    assert.equal(client.tokenRequests, 1);
  });

  test('calls sharing one signal hold one listener on it at most, and none when done (no MaxListenersExceededWarning)', async () => {
    const { fake, client } = await setup();
    fake.route('POST', `${INBOUND}/message`, authorized(fake, messageAnswer));
    const shared = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      let most = 0;
      const calls = Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          client.inbound.sendMessage(
            { customer: { id: `c${i}` }, text: `hello ${i}` },
            { signal: shared.signal },
          ),
        ),
      );
      // Sampled while the token is fetched and the 40 calls are in flight.
      for (let k = 0; k < 20; k++) {
        most = Math.max(most, getEventListeners(shared.signal, 'abort').length);
        await new Promise((r) => setImmediate(r));
      }
      await calls;
      assert.ok(most <= 1, `${most} listeners on the shared signal`);
      assert.equal(getEventListeners(shared.signal, 'abort').length, 0);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(
        warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message),
        [],
      );
    } finally {
      process.off('warning', onWarning);
    }
  });

  test('every exchange is reported for the metrics: operation, status (or network), seconds', async () => {
    const calls: [string, string, number][] = [];
    const { fake, client } = await setup({ onCall: (op, status, s) => calls.push([op, status, s]) });
    fake.route('POST', `${INBOUND}/message`, authorized(fake, messageAnswer));
    await client.inbound.sendMessage({ customer: { id: 'c1' }, text: 'hello' }, { signal: signal() });
    assert.deepEqual(
      calls.map(([op, status]) => [op, status]),
      [
        ['requestToken', '200'],
        ['sendInboundMessage', '200'],
      ],
    );
    assert.ok(calls.every(([, , s]) => s >= 0 && s < 60));
    await fake.close();
    await assert.rejects(
      client.inbound.sendMessage({ customer: { id: 'c1' }, text: 'again' }, { signal: signal() }),
    );
    assert.deepEqual(calls.at(-1)?.slice(0, 2), ['sendInboundMessage', 'network']);
  });

  test('invalid_client: a permanent OpenMessagingAuthError without the secret; no API call', async () => {
    const fake = await FakeGenesys.start();
    cleanups.push(() => fake.close());
    const client = new OpenMessagingClient({
      ...SYSTEM_TIME,
      target: { baseUrl: fake.url },
      credentials: { clientId: CLIENT_ID, clientSecret: 'wrong-secret-987654' },
      integrationId: INTEGRATION,
    });
    cleanups.push(() => client.close());
    const err = await client.conversations
      .getConversation('conv-1', { signal: signal() })
      .catch((e: unknown) => e);
    assert.ok(err instanceof OpenMessagingAuthError, String(err));
    assert.equal(err.status, 401);
    assert.equal(err.oauthError, 'invalid_client');
    assert.equal(err.isPermanent, true);
    assert.equal(classifyOpenMessagingError(err), undefined);
    assert.ok(!err.message.includes('wrong-secret-987654'));
    assert.equal(fake.calls('GET', '/api/v2/conversations/messages/conv-1').length, 0);
  });

  test('a revoked token (401) is replaced once and the call retried; a second 401 is retryable and drops that token too', async () => {
    const { fake, client } = await setup();
    fake.route(
      'GET',
      '/api/v2/users/u1',
      authorized(fake, () => ({ body: { id: 'u1', name: 'Ada' } })),
    );
    assert.equal((await client.users.getUser('u1', { signal: signal() })).name, 'Ada');
    fake.validTokens.delete('tok-1'); // revoked
    assert.equal((await client.users.getUser('u1', { signal: signal() })).name, 'Ada');
    assert.equal(fake.tokensIssued, 2);
    assert.equal(fake.calls('GET', '/api/v2/users/u1').at(-1)!.headers.authorization, 'Bearer tok-2');

    // Genesys refuses the fresh token too (revoked again while the call waited): one renewal per
    // call, then the 401 surfaces — retryable, since the caller's next attempt gets another token
    // (refused credentials fail at the token endpoint: the permanent OpenMessagingAuthError above).
    fake.route('GET', '/api/v2/users/u2', () => ({
      status: 401,
      body: {
        message: 'No authentication bearer token specified',
        code: 'authentication.required',
        status: 401,
      },
    }));
    const err = await client.users.getUser('u2', { signal: signal() }).catch((e: unknown) => e);
    assert.ok(err instanceof OpenMessagingApiError);
    assert.equal(err.status, 401);
    assert.equal(err.genesysCode, 'authentication.required');
    assert.equal(err.isPermanent, false);
    assert.ok(classifyOpenMessagingError(err) !== undefined, 'retryable');
    assert.equal(fake.calls('GET', '/api/v2/users/u2').length, 2);
    assert.equal(fake.tokensIssued, 3);
    // The refused token is not used again: the next call fetches another.
    assert.equal((await client.users.getUser('u1', { signal: signal() })).name, 'Ada');
    assert.equal(fake.tokensIssued, 4);
  });

  test('429 with Retry-After: the whole client waits that long (virtual time), then the call goes again', async () => {
    const time = new VirtualTime();
    const { fake, client } = await setup({ scheduler: time, clock: time, random: () => 0 });
    let limited = 1;
    fake.route(
      'GET',
      /^\/api\/v2\/users\/.*/,
      authorized(fake, (req) =>
        limited-- > 0
          ? {
              status: 429,
              headers: { 'retry-after': '3', 'inin-correlation-id': 'corr-429' },
              body: {
                message: 'Rate limit exceeded the maximum. Retry the request in [3] seconds',
                code: 'too.many.requests.retry.after',
                status: 429,
              },
            }
          : { body: { id: req.path.split('/').pop(), name: 'Ada' } },
      ),
    );
    const first = client.users.getUser('u1', { signal: signal() });
    await waitFor(() => fake.calls('GET', '/api/v2/users/u1').length === 1, { what: 'the first call' });
    await time.advance(0);
    // Another call now waits behind the pause too (shared bucket).
    const second = client.users.getUser('u2', { signal: signal() });
    await time.advance(2_999);
    assert.equal(fake.calls('GET', /^\/api\/v2\/users\//).length, 1, 'nothing sent during Retry-After');
    assert.ok(client.rateLimitWaiting >= 1);
    await time.advanceUntil(() => fake.calls('GET', /^\/api\/v2\/users\//).length >= 2, 5_000, 50);
    assert.equal((await first).name, 'Ada');
    await time.advanceUntil(() => fake.calls('GET', /^\/api\/v2\/users\//).length >= 3, 5_000, 50);
    assert.equal((await second).name, 'Ada');
  });

  test('429 beyond the retries: OpenMessagingApiError 429 carrying Retry-After and the correlation id', async () => {
    const time = new VirtualTime();
    const { fake, client } = await setup({
      scheduler: time,
      clock: time,
      random: () => 0,
      rateLimitRetries: 1,
    });
    fake.route(
      'GET',
      '/api/v2/users/u1',
      authorized(fake, () => ({
        status: 429,
        headers: { 'retry-after': '1', 'inin-correlation-id': 'corr-1' },
        body: { code: 'too.many.requests.retry.after', status: 429, message: 'slow down' },
      })),
    );
    const pending = client.users.getUser('u1', { signal: signal() }).catch((e: unknown) => e);
    await waitFor(() => fake.calls('GET', '/api/v2/users/u1').length === 1);
    await time.advanceUntil(() => fake.calls('GET', '/api/v2/users/u1').length === 2, 5_000, 50);
    const err = await pending;
    assert.ok(err instanceof OpenMessagingApiError);
    assert.equal(err.status, 429);
    assert.equal(err.retryAfterMs, 1_000);
    assert.equal(err.correlationId, 'corr-1');
    assert.equal(err.isRetryable, true);
    assert.deepEqual(classifyOpenMessagingError(err), { retryAfterMs: 1_000 });
  });

  test('a timeout on the scheduler, and an abort, each with its own error', async () => {
    const time = new VirtualTime();
    const { fake, client } = await setup({ scheduler: time, clock: time, timeoutMs: 5_000 });
    fake.route('GET', '/api/v2/users/slow', () => 'hang');
    const pending = client.users.getUser('slow', { signal: signal() }).catch((e: unknown) => e);
    await waitFor(() => fake.calls('GET', '/api/v2/users/slow').length === 1);
    await time.advance(5_000);
    const err = await pending;
    assert.ok(err instanceof OpenMessagingTimeoutError, String(err));
    assert.equal(err.isRetryable, true);

    const ac = new AbortController();
    const aborted = client.users.getUser('slow', { signal: ac.signal }).catch((e: unknown) => e);
    await waitFor(() => fake.calls('GET', '/api/v2/users/slow').length === 2);
    ac.abort();
    const abortErr = await aborted;
    assert.ok(abortErr instanceof OpenMessagingAbortedError);
    assert.equal(abortErr.isPermanent, false);
  });

  test('errors never carry the token or the message text Genesys echoes back', async () => {
    const { fake, client } = await setup();
    const text = 'my card number is 4111 1111 1111 1111';
    fake.route(
      'POST',
      `${INBOUND}/message`,
      authorized(fake, (req) => ({
        status: 400,
        body: {
          message: `bad request ${req.headers.authorization} for ${JSON.parse(req.body).text}`,
          code: 'bad.request',
          status: 400,
          contextId: 'ctx-1',
        },
      })),
    );
    const err = await client.inbound
      .sendMessage({ customer: { id: 'c1' }, text }, { signal: signal() })
      .catch((e: unknown) => e);
    assert.ok(err instanceof OpenMessagingApiError);
    assert.equal(err.genesysCode, 'bad.request');
    assert.equal(err.correlationId, 'ctx-1');
    assert.ok(!err.message.includes('tok-1'), err.message);
    assert.ok(!err.message.includes(text), err.message);
    assert.match(err.message, /\[REDACTED\]/);
  });

  test('a 2xx that is not JSON or not the schema: OpenMessagingResponseError with paths, not values', async () => {
    const { fake, client } = await setup();
    fake.route(
      'GET',
      '/api/v2/users/a',
      authorized(fake, () => ({ raw: '<html>' })),
    );
    fake.route(
      'GET',
      '/api/v2/users/b',
      authorized(fake, () => ({ body: { name: 'no id here' } })),
    );
    const a = await client.users.getUser('a', { signal: signal() }).catch((e: unknown) => e);
    assert.ok(a instanceof OpenMessagingResponseError);
    assert.deepEqual(a.issues, ['body is not JSON']);
    const b = await client.users.getUser('b', { signal: signal() }).catch((e: unknown) => e);
    assert.ok(b instanceof OpenMessagingResponseError);
    assert.match(b.issues.join(), /^id:/);
    assert.ok(!b.message.includes('no id here'));
  });

  test('redirects are not followed (the token must not travel)', async () => {
    const { fake, client } = await setup();
    fake.route(
      'GET',
      '/api/v2/users/r',
      authorized(fake, () => ({ status: 302, headers: { location: 'http://127.0.0.1:1/steal' } })),
    );
    const err = await client.users.getUser('r', { signal: signal() }).catch((e: unknown) => e);
    assert.ok(err instanceof OpenMessagingApiError);
    assert.equal(err.status, 302);
  });
});

describe('OpenMessagingClient — typed REST calls', () => {
  test('inbound message (§3.1): from, names, time, messageId, customAttributes, attachments, prefetch', async () => {
    const { fake, client } = await setup();
    fake.route('POST', `${INBOUND}/message`, authorized(fake, messageAnswer));
    const sent = await client.inbound.sendMessage(
      {
        customer: {
          id: 'hg-session-1',
          firstName: 'Alex',
          lastName: 'Doe',
          nickname: 'Alex',
          imageUrl: 'https://x.test/a.png',
        },
        text: 'Transcript …',
        messageId: 'hg-1-0001',
        time: new Date('2026-11-23T10:15:00.000Z'),
        customAttributes: { hg_language: 'German', hg_skills: 'Billing,VIP' },
        attachments: [
          { mediaType: 'Image', url: 'https://files.test/a.png', mime: 'image/png', filename: 'a.png' },
        ],
      },
      { signal: signal() },
    );
    assert.deepEqual(sent, { genesysMessageId: 'gm-1', conversationId: 'conv-1' });
    const call = fake.calls('POST', `${INBOUND}/message`)[0]!;
    assert.equal(call.query.get('prefetchConversationId'), 'true');
    assert.equal(call.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(call.body), {
      channel: {
        from: {
          id: 'hg-session-1',
          idType: 'Opaque',
          firstName: 'Alex',
          lastName: 'Doe',
          nickname: 'Alex',
          image: 'https://x.test/a.png',
        },
        time: '2026-11-23T10:15:00.000Z',
        messageId: 'hg-1-0001',
        metadata: { customAttributes: { hg_language: 'German', hg_skills: 'Billing,VIP' } },
      },
      text: 'Transcript …',
      content: [
        {
          contentType: 'Attachment',
          attachment: {
            mediaType: 'Image',
            url: 'https://files.test/a.png',
            mime: 'image/png',
            filename: 'a.png',
          },
        },
      ],
    });
  });

  test('inbound message refused client-side when it breaks the contract (no values in the error)', async () => {
    const { fake, client } = await setup();
    const send = (input: Parameters<typeof client.inbound.sendMessage>[0]) =>
      client.inbound.sendMessage(input, { signal: signal() }).catch((e: unknown) => e);
    const cases = [
      { customer: { id: 'c1' } }, // neither text nor attachments
      { customer: { id: '' }, text: 'x' },
      {
        customer: { id: 'c1' },
        attachments: [{ mediaType: 'Image' as const, url: 'file:///etc/passwd', mime: 'image/png' }],
      },
      { customer: { id: 'c1' }, text: 'x', metadata: { nested: { a: 1 } as unknown as string } }, // §6: 400 at Genesys
      { customer: { id: 'c1' }, text: 'x', time: new Date(Number.NaN) },
    ];
    for (const input of cases) {
      const err = await send(input);
      assert.ok(err instanceof OpenMessagingRequestError, `${JSON.stringify(input)} → ${String(err)}`);
      assert.equal(err.isPermanent, true);
      assert.ok(!err.message.includes('passwd'));
    }
    assert.equal(fake.calls('POST', `${INBOUND}/message`).length, 0);
  });

  test('typing (§3.2) and receipts (§3.3)', async () => {
    const { fake, client } = await setup();
    fake.route(
      'POST',
      `${INBOUND}/event`,
      authorized(fake, () => ({ body: { id: 'e1', events: [{ eventType: 'Typing' }] } })),
    );
    fake.route(
      'POST',
      `${INBOUND}/receipt`,
      authorized(fake, () => ({ body: { id: 'gm-9', status: 'Failed' } })),
    );
    const time = new Date('2026-01-01T00:00:00.000Z');
    await client.inbound.sendTyping({ id: 'c1', nickname: 'Alex' }, { signal: signal(), time });
    assert.deepEqual(JSON.parse(fake.calls('POST', `${INBOUND}/event`)[0]!.body), {
      channel: { from: { id: 'c1', idType: 'Opaque', nickname: 'Alex' }, time: '2026-01-01T00:00:00.000Z' },
      events: [{ eventType: 'Typing' }],
    });
    await client.inbound.sendReceipt(
      {
        messageId: 'gm-9',
        customerId: 'c1',
        status: 'Failed',
        reasons: [{ code: 'GeneralError', message: 'bot offline' }],
        isFinalReceipt: true,
        time,
      },
      { signal: signal() },
    );
    assert.deepEqual(JSON.parse(fake.calls('POST', `${INBOUND}/receipt`)[0]!.body), {
      id: 'gm-9',
      channel: { to: { id: 'c1' }, time: '2026-01-01T00:00:00.000Z' },
      status: 'Failed',
      reasons: [{ code: 'GeneralError', message: 'bot offline' }],
      isFinalReceipt: true,
    });
    const bad = await client.inbound
      .sendReceipt(
        { messageId: 'gm-9', customerId: 'c1', status: 'Read' as 'Delivered' },
        { signal: signal() },
      )
      .catch((e: unknown) => e);
    assert.ok(bad instanceof OpenMessagingRequestError, '§3.3: only Delivered and Failed');
  });

  test('conversation read and ending from the bot side (§5): GET, then PATCH the customer participant', async () => {
    const { fake, client } = await setup();
    let customerState = 'connected';
    fake.route(
      'GET',
      '/api/v2/conversations/messages/conv-1',
      authorized(fake, () => ({
        body: {
          id: 'conv-1',
          participants: [
            {
              id: 'p-cust',
              purpose: 'customer',
              state: customerState,
              attributes: { hg_language: 'German' },
              extra: 1,
            },
            { id: 'p-acd', purpose: 'acd', state: 'disconnected', queue: { id: 'q1' } },
            {
              id: 'p-agent',
              purpose: 'agent',
              state: 'connected',
              user: { id: 'u1' },
              connectedTime: '2026-01-01T00:00:00Z',
            },
          ],
        },
      })),
    );
    fake.route(
      'PATCH',
      '/api/v2/conversations/messages/conv-1/participants/p-cust',
      authorized(fake, () => ({ status: 202 })),
    );
    fake.route(
      'PATCH',
      '/api/v2/conversations/messages/conv-1/participants/p-cust/attributes',
      authorized(fake, (req) => ({ body: JSON.parse(req.body) })),
    );
    const conv = await client.conversations.getConversation('conv-1', { signal: signal() });
    assert.equal(conv.participants.length, 3);
    assert.deepEqual(conv.participants[0]!.attributes, { hg_language: 'German' });
    assert.equal(conv.participants[2]!.user?.id, 'u1');
    assert.deepEqual(await client.conversations.disconnectCustomer('conv-1', { signal: signal() }), {
      outcome: 'disconnected',
      participantId: 'p-cust',
    });
    const patches = fake.calls('PATCH', '/api/v2/conversations/messages/conv-1/participants/p-cust');
    assert.equal(patches.length, 1);
    assert.deepEqual(JSON.parse(patches[0]!.body), { state: 'disconnected' });
    customerState = 'disconnected';
    assert.deepEqual(await client.conversations.disconnectCustomer('conv-1', { signal: signal() }), {
      outcome: 'already-disconnected',
      participantId: 'p-cust',
    });
    assert.equal(fake.calls('PATCH', '/api/v2/conversations/messages/conv-1/participants/p-cust').length, 1);
    const attrs = await client.conversations.updateParticipantAttributes(
      'conv-1',
      'p-cust',
      { hg_vip: 'yes' },
      { signal: signal() },
    );
    assert.deepEqual(attrs.attributes, { hg_vip: 'yes' });
  });

  test('agent profile: preferred name and the largest image', async () => {
    const { fake, client } = await setup();
    fake.route(
      'GET',
      '/api/v2/users/u1',
      authorized(fake, () => ({
        body: {
          id: 'u1',
          name: 'Ada Lovelace',
          preferredName: 'Ada',
          images: [
            { resolution: 'x96', imageUri: 'https://img.test/96.png' },
            { resolution: 'x400', imageUri: 'https://img.test/400.png' },
            { resolution: 'x200', imageUri: 'https://img.test/200.png' },
          ],
          version: 3,
        },
      })),
    );
    assert.deepEqual(await client.users.getAgentProfile('u1', { signal: signal() }), {
      userId: 'u1',
      displayName: 'Ada',
      imageUrl: 'https://img.test/400.png',
    });
  });

  test('integrations (§2): the webhook secret never comes back; a short secret is refused client-side', async () => {
    const { fake, client } = await setup();
    const integration = {
      id: INTEGRATION,
      name: 'HG',
      outboundNotificationWebhookUrl: 'https://gw.test/webhook',
      outboundNotificationWebhookSignatureSecretToken: 'super-secret-token-42',
      status: 'active',
      recipient: { id: 'r1' },
      createStatus: 'Completed',
    };
    fake.route(
      'GET',
      `/api/v2/conversations/messaging/integrations/open/${INTEGRATION}`,
      authorized(fake, () => ({ body: integration })),
    );
    fake.route(
      'GET',
      '/api/v2/conversations/messaging/integrations/open',
      authorized(fake, () => ({ body: { entities: [integration], pageSize: 25, pageNumber: 1, total: 1 } })),
    );
    fake.route(
      'POST',
      '/api/v2/conversations/messaging/integrations/open',
      authorized(fake, (req) => ({
        body: { ...JSON.parse(req.body), id: 'new', createStatus: 'Initiated' },
      })),
    );
    const got = await client.integrations.getIntegration(INTEGRATION, {
      signal: signal(),
      expand: ['supportedContent'],
    });
    assert.equal(got.createStatus, 'Completed');
    assert.ok(!JSON.stringify(got).includes('super-secret-token-42'));
    assert.equal(
      fake
        .calls('GET', `/api/v2/conversations/messaging/integrations/open/${INTEGRATION}`)[0]!
        .query.get('expand'),
      'supportedContent',
    );
    const list = await client.integrations.listIntegrations({ signal: signal(), pageSize: 25 });
    assert.equal(list.entities.length, 1);
    const created = await client.integrations.createIntegration(
      { name: 'HG2', webhookUrl: 'https://gw.test/wh', webhookSecret: 'sixteen-chars-ok' },
      { signal: signal() },
    );
    assert.equal(created.createStatus, 'Initiated');
    const short = await client.integrations
      .createIntegration(
        { name: 'HG3', webhookUrl: 'https://gw.test/wh', webhookSecret: 'fifteen-chars-x' },
        { signal: signal() },
      )
      .catch((e: unknown) => e);
    assert.ok(short instanceof OpenMessagingRequestError);
    assert.ok(!short.message.includes('fifteen-chars-x'));
  });
});
