import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  GenesysAbortedError,
  GenesysApiError,
  GenesysNetworkError,
  GenesysResponseError,
  GenesysTimeoutError,
  GuestChatRequestError,
  GuestChatRestClient,
  type GuestCredentials,
} from '../../../src/providers/genesys-guest-chat/index.ts';
import { json, signal, startHttpServer, type Handler, type RecordedRequest } from './helpers.ts';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.secret-payload.signature';
const CID = 'conv-1';
const GUEST = 'guest-1';
const creds: GuestCredentials = { conversationId: CID, memberId: GUEST, jwt: JWT };
const BASE = '/api/v2/webchat/guest/conversations';

const msg = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  conversation: { id: CID, selfUri: `/api/v2/conversations/${CID}` },
  sender: { id: GUEST },
  body: `text ${id}`,
  bodyType: 'standard',
  timestamp: '2020-08-05T13:09:49.546Z',
  selfUri: `${BASE}/${CID}/messages/${id}`,
  ...extra,
});

let handler: Handler = (_req, res) => json(res, 500, {});
let server: Awaited<ReturnType<typeof startHttpServer>>;
let client: GuestChatRestClient;

function assertNoSecret(err: unknown): void {
  assert.ok(err instanceof Error);
  assert.ok(!err.message.includes(JWT), err.message);
  assert.ok(!JSON.stringify(err).includes(JWT));
}

const lastRequest = (): RecordedRequest => server.requests.at(-1)!;

before(async () => {
  server = await startHttpServer((req, res) => handler(req, res));
  client = new GuestChatRestClient({
    baseUrl: server.url + '/',
    timeoutMs: 2000,
    userAgent: 'genesys-handover-test',
  });
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

describe('createConversation (§5.1)', () => {
  test('is unauthenticated, posts JSON and tolerates a member without role plus extra fields', async () => {
    handler = (_req, res) =>
      json(res, 200, {
        id: CID,
        jwt: JWT,
        eventStreamUri: `ws://127.0.0.1:1/v1/token/${JWT}`,
        member: { id: GUEST },
        somethingNew: true,
      });
    const request = {
      organizationId: 'org',
      deploymentId: 'dep',
      routingTarget: { targetType: 'QUEUE', targetAddress: 'Support' },
      memberInfo: { displayName: 'Ada', customFields: { k: 'v' } },
    } as const;
    const session = await client.createConversation(request, { signal: signal() });
    assert.deepEqual(session, {
      conversationId: CID,
      memberId: GUEST,
      jwt: JWT,
      eventStreamUri: `ws://127.0.0.1:1/v1/token/${JWT}`,
    });
    const r = lastRequest();
    assert.equal(r.method, 'POST');
    assert.equal(r.url, BASE);
    assert.equal(r.headers.authorization, undefined);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers.accept, 'application/json');
    assert.equal(r.headers['user-agent'], 'genesys-handover-test');
    assert.deepEqual(JSON.parse(r.body), request);
  });

  test('a response without jwt, or with a non-ws eventStreamUri, is a GenesysResponseError without the secret', async () => {
    handler = (_req, res) =>
      json(res, 200, { id: CID, eventStreamUri: `ws://x/${JWT}`, member: { id: GUEST } });
    await assert.rejects(client.createConversation({} as never, { signal: signal() }), (err) => {
      assert.ok(err instanceof GenesysResponseError);
      assert.deepEqual(err.issues, ['jwt: Invalid input: expected string, received undefined']);
      return true;
    });
    handler = (_req, res) =>
      json(res, 200, { id: CID, jwt: JWT, eventStreamUri: `https://x/${JWT}`, member: { id: GUEST } });
    await assert.rejects(client.createConversation({} as never, { signal: signal() }), (err) => {
      assert.ok(err instanceof GenesysResponseError && err.isPermanent);
      assertNoSecret(err);
      return true;
    });
  });
});

describe('upstream trust (docs/security.md)', () => {
  test('an eventStreamUri off the configured environment is refused, and the URI (it holds the JWT) is not named', async () => {
    for (const uri of [
      `ws://evil.example/v1/token/${JWT}`,
      `ws://127.0.0.2:1/v1/token/${JWT}`,
      `ws://user:pw@127.0.0.1:1/v1/token/${JWT}`,
      `wss://127.0.0.1.evil.example/v1/token/${JWT}`,
    ]) {
      handler = (_req, res) =>
        json(res, 200, { id: CID, jwt: JWT, eventStreamUri: uri, member: { id: GUEST } });
      await assert.rejects(client.createConversation({} as never, { signal: signal() }), (err) => {
        assert.ok(err instanceof GenesysResponseError && err.isPermanent, uri);
        assertNoSecret(err);
        assert.ok(!err.message.includes('evil'), err.message);
        return true;
      });
    }
  });

  test('the rule: wss in the domain of the API host; ws only beside a plain-http (loopback) API', async () => {
    const { streamUriBelongs } = await import('../../../src/providers/genesys-guest-chat/rest/stream-uri.ts');
    const api = 'https://api.mypurecloud.de';
    assert.equal(streamUriBelongs('wss://streaming.mypurecloud.de/chat/jwt/x', api), true);
    assert.equal(streamUriBelongs('wss://carrier-pigeon.mypurecloud.de/v1/token/x', api), true);
    assert.equal(streamUriBelongs('ws://streaming.mypurecloud.de/chat/jwt/x', api), false);
    assert.equal(streamUriBelongs('wss://streaming.mypurecloud.com/chat/jwt/x', api), false);
    assert.equal(streamUriBelongs('wss://mypurecloud.de.evil.example/x', api), false);
    assert.equal(streamUriBelongs('wss://evilmypurecloud.de/x', api), false);
    assert.equal(streamUriBelongs('not a url', api), false);
    assert.equal(streamUriBelongs('ws://127.0.0.1:8099/stream/x', 'http://127.0.0.1:8099'), true);
    assert.equal(streamUriBelongs('ws://localhost:8099/stream/x', 'http://127.0.0.1:8099'), false);
  });

  test('agent names are capped and a javascript: avatar URL never comes through', async () => {
    handler = (_req, res) =>
      json(res, 200, {
        id: 'agent-1',
        role: 'AGENT',
        displayName: 'A'.repeat(5000),
        avatarImageUrl: 'javascript:alert(1)',
      });
    const member = await client.getMember(creds, 'agent-1', { signal: signal() });
    const name = member.displayName ?? '';
    assert.equal(name.length, 200);
    assert.ok(name.endsWith('…'));
    assert.equal(member.avatarImageUrl, undefined);
  });
});

describe('members (§5.2, §5.3)', () => {
  test('getMember sends the JWT as Bearer and parses WebChatMemberInfo (nulls accepted)', async () => {
    handler = (_req, res) =>
      json(res, 200, {
        id: 'agent/1',
        displayName: 'Grace',
        avatarImageUrl: 'https://img/grace.png',
        role: 'AGENT',
        state: 'CONNECTED',
        joinDate: '2020-01-01T00:00:00.000Z',
        leaveDate: null,
      });
    const m = await client.getMember(creds, 'agent/1', { signal: signal() });
    assert.equal(m.role, 'AGENT');
    assert.equal(m.displayName, 'Grace');
    assert.equal(m.leaveDate, undefined);
    const r = lastRequest();
    assert.equal(r.url, `${BASE}/${CID}/members/agent%2F1`);
    assert.equal(r.headers.authorization, `Bearer ${JWT}`);
  });

  test('a member without role is refused (the directory depends on it)', async () => {
    handler = (_req, res) => json(res, 200, { id: 'x', displayName: 'no role' });
    await assert.rejects(client.getMember(creds, 'x', { signal: signal() }), GenesysResponseError);
  });

  test('listMembers sends only the given query params', async () => {
    handler = (_req, res) =>
      json(res, 200, { entities: [], pageSize: 10, pageNumber: 2, total: 0, pageCount: 0 });
    await client.listMembers(
      creds,
      { pageSize: 10, pageNumber: 2, excludeDisconnectedMembers: true },
      { signal: signal() },
    );
    assert.equal(
      lastRequest().url,
      `${BASE}/${CID}/members?pageSize=10&pageNumber=2&excludeDisconnectedMembers=true`,
    );
    await client.listMembers(creds, {}, { signal: signal() });
    assert.equal(lastRequest().url, `${BASE}/${CID}/members`);
  });

  test('iterateMembers walks pageNumber 1..pageCount', async () => {
    const all = Array.from({ length: 5 }, (_, i) => ({
      id: `m${i}`,
      role: i === 0 ? 'CUSTOMER' : 'AGENT',
      state: 'CONNECTED',
    }));
    handler = (req, res) => {
      const u = new URL(req.url, 'http://x');
      const size = Number(u.searchParams.get('pageSize'));
      const n = Number(u.searchParams.get('pageNumber'));
      json(res, 200, {
        entities: all.slice((n - 1) * size, n * size),
        pageSize: size,
        pageNumber: n,
        total: 5,
        pageCount: 3,
      });
    };
    const ids: string[] = [];
    for await (const m of client.iterateMembers(
      creds,
      { pageSize: 2, excludeDisconnectedMembers: true },
      { signal: signal() },
    ))
      ids.push(m.id);
    assert.deepEqual(ids, ['m0', 'm1', 'm2', 'm3', 'm4']);
    assert.equal(server.requests.length, 3);
    assert.ok(server.requests.every((r) => r.url.includes('excludeDisconnectedMembers=true')));
  });
});

describe('messages (§5.4–§5.6)', () => {
  test('sendMessage posts {body, bodyType} as the guest; bodyType defaults to standard', async () => {
    handler = (req, res) =>
      json(res, 200, msg('m-1', { body: (JSON.parse(req.body) as { body: string }).body }));
    const m = await client.sendMessage(creds, 'hello', { signal: signal() });
    assert.equal(m.id, 'm-1');
    assert.equal(m.sender.id, GUEST);
    const r = lastRequest();
    assert.equal(r.url, `${BASE}/${CID}/members/${GUEST}/messages`);
    assert.deepEqual(JSON.parse(r.body), { body: 'hello', bodyType: 'standard' });
    await client.sendMessage(creds, 'fyi', { signal: signal(), bodyType: 'notice' });
    assert.deepEqual(JSON.parse(lastRequest().body), { body: 'fyi', bodyType: 'notice' });
  });

  test('a body over 4,000 characters is refused before sending; exactly 4,000 goes out', async () => {
    handler = (_req, res) => json(res, 200, msg('m-2'));
    const p = client.sendMessage(creds, 'x'.repeat(4001), { signal: signal() });
    await assert.rejects(p, (err) => err instanceof GuestChatRequestError && err.isPermanent);
    assert.equal(server.requests.length, 0);
    await client.sendMessage(creds, 'x'.repeat(4000), { signal: signal() });
    assert.equal(server.requests.length, 1);
  });

  test('getMessage and listMessages query', async () => {
    handler = (_req, res) => json(res, 200, msg('m-3'));
    assert.equal((await client.getMessage(creds, 'm-3', { signal: signal() })).id, 'm-3');
    assert.equal(lastRequest().url, `${BASE}/${CID}/messages/m-3`);
    handler = (_req, res) => json(res, 200, { entities: [msg('a')], pageSize: 1 });
    const page = await client.listMessages(
      creds,
      { after: 'x', sortOrder: 'descending', maxResults: 1 },
      { signal: signal() },
    );
    assert.deepEqual(
      page.entities.map((e) => e.id),
      ['a'],
    );
    assert.equal(lastRequest().url, `${BASE}/${CID}/messages?after=x&sortOrder=descending&maxResults=1`);
    await assert.rejects(
      client.listMessages(creds, { maxResults: 101 }, { signal: signal() }),
      GuestChatRequestError,
    );
    await assert.rejects(
      client.listMessages(creds, { maxResults: 0 }, { signal: signal() }),
      GuestChatRequestError,
    );
  });

  // Pages of 2 over ids 0..4, `next` rendered by `render(lastId)`.
  function pagedHistory(render: (lastId: string) => string): Handler {
    const ids = ['0', '1', '2', '3', '4'];
    return (req, res) => {
      const u = new URL(req.url, 'http://x');
      const afterId = u.searchParams.get('after');
      const max = Number(u.searchParams.get('maxResults') ?? 100);
      const start = afterId === null ? 0 : ids.indexOf(afterId) + 1;
      const slice = ids.slice(start, start + max);
      const more = start + max < ids.length;
      json(res, 200, {
        pageSize: max,
        entities: slice.map((i) => msg(i)),
        ...(more ? { next: render(slice.at(-1)!) } : {}),
      });
    };
  }

  for (const [label, render] of [
    ['a root-relative URI', (id: string) => `${BASE}/${CID}/messages?after=${id}&maxResults=2`],
    [
      'an absolute URI on the same origin',
      (id: string) => `${server.url}${BASE}/${CID}/messages?after=${id}&maxResults=2`,
    ],
    ['a bare cursor', (id: string) => id],
  ] as const) {
    test(`iterateMessages follows next given as ${label}`, async () => {
      handler = pagedHistory(render);
      const ids: string[] = [];
      for await (const m of client.iterateMessages(creds, { maxResults: 2 }, { signal: signal() }))
        ids.push(m.id);
      assert.deepEqual(ids, ['0', '1', '2', '3', '4']);
      assert.equal(server.requests.length, 3);
      assert.ok(server.requests.slice(1).every((r) => r.headers.authorization === `Bearer ${JWT}`));
    });
  }

  test('iterateMessages refuses a next for another endpoint or a next that loops', async () => {
    handler = (_req, res) =>
      json(res, 200, { entities: [msg('a')], next: 'https://evil.example/steal?after=a' });
    const drain = async () => {
      for await (const _ of client.iterateMessages(creds, {}, { signal: signal() })) {
        /* drain */
      }
    };
    await assert.rejects(drain(), GenesysResponseError);
    assert.equal(server.requests.length, 1);
    handler = (_req, res) =>
      json(res, 200, { entities: [msg('a')], next: `${BASE}/${CID}/messages?after=a` });
    await assert.rejects(drain(), /repeats an earlier page/);
  });
});

describe('typing, leave, media requests (§5.7–§5.9)', () => {
  test('sendTyping posts without body and parses WebChatTyping', async () => {
    handler = (_req, res) =>
      json(res, 200, {
        id: 't-1',
        conversation: { id: CID },
        sender: { id: GUEST },
        timestamp: '2020-08-05T13:10:35.673Z',
      });
    const t = await client.sendTyping(creds, { signal: signal() });
    assert.equal(t.id, 't-1');
    const r = lastRequest();
    assert.equal(r.method, 'POST');
    assert.equal(r.url, `${BASE}/${CID}/members/${GUEST}/typing`);
    assert.equal(r.body, '');
  });

  test('leave is DELETE own member → 204, resolving undefined', async () => {
    handler = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    assert.equal(await client.leave(creds, { signal: signal() }), undefined);
    assert.equal(lastRequest().method, 'DELETE');
    assert.equal(lastRequest().url, `${BASE}/${CID}/members/${GUEST}`);
  });

  test('media requests list/get/patch', async () => {
    const mr = { id: 'mr-1', types: ['COBROWSE'], state: 'PENDING' };
    handler = (req, res) => {
      if (req.method === 'GET' && req.url.endsWith('/mediarequests')) json(res, 200, { entities: [mr] });
      else if (req.method === 'GET') json(res, 200, mr);
      else json(res, 200, { ...mr, ...(JSON.parse(req.body) as object) });
    };
    assert.deepEqual(
      (await client.listMediaRequests(creds, { signal: signal() })).map((m) => m.id),
      ['mr-1'],
    );
    assert.equal((await client.getMediaRequest(creds, 'mr-1', { signal: signal() })).state, 'PENDING');
    const patched = await client.patchMediaRequest(
      creds,
      'mr-1',
      { types: ['COBROWSE'], state: 'ACCEPTED' },
      { signal: signal() },
    );
    assert.equal(patched.state, 'ACCEPTED');
    assert.equal(lastRequest().method, 'PATCH');
    assert.equal(lastRequest().url, `${BASE}/${CID}/mediarequests/mr-1`);
  });
});

describe('errors (§11)', () => {
  test('429 with Retry-After and the normalised body is a retryable GenesysApiError', async () => {
    handler = (_req, res) =>
      json(
        res,
        429,
        {
          message: 'Rate limit exceeded the maximum. Retry the request in [3] seconds',
          code: 'too.many.requests.retry.after',
          status: 429,
          contextId: 'ctx-1',
          details: [],
          errors: [],
        },
        { 'retry-after': '3', 'inin-correlation-id': 'corr-429' },
      );
    await assert.rejects(client.getMember(creds, 'x', { signal: signal() }), (err) => {
      assert.ok(err instanceof GenesysApiError);
      assert.equal(err.status, 429);
      assert.equal(err.genesysCode, 'too.many.requests.retry.after');
      assert.equal(err.retryAfterMs, 3000);
      assert.equal(err.correlationId, 'corr-429');
      assert.equal(err.operation, 'getMember');
      assert.equal(err.isRetryable, true);
      return true;
    });
  });

  test('400 conversation state: correlation id falls back to contextId; messageParams kept', async () => {
    handler = (_req, res) =>
      json(res, 400, {
        message: 'Conversation State',
        code: 'chat.error.conversation.state',
        status: 400,
        messageWithParams: 'Conversation State',
        messageParams: { message: 'The conversation is not active' },
        contextId: 'ctx-400',
        details: [],
        errors: [],
      });
    await assert.rejects(client.sendMessage(creds, 'hi', { signal: signal() }), (err) => {
      assert.ok(err instanceof GenesysApiError && err.isPermanent);
      assert.equal(err.correlationId, 'ctx-400');
      assert.equal(err.retryAfterMs, undefined);
      assert.deepEqual(err.messageParams, { message: 'The conversation is not active' });
      return true;
    });
  });

  test('a 503 with a non-JSON body is still a retryable GenesysApiError', async () => {
    handler = (_req, res) => {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html>down</html>');
    };
    await assert.rejects(client.sendTyping(creds, { signal: signal() }), (err) => {
      assert.ok(err instanceof GenesysApiError && err.isRetryable);
      assert.equal(err.genesysCode, undefined);
      return true;
    });
  });

  test('a 200 with a non-JSON body is a GenesysResponseError', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{oops');
    };
    await assert.rejects(client.getMessage(creds, 'x', { signal: signal() }), GenesysResponseError);
  });

  test('the JWT never appears in an error, even when the server echoes the Authorization header', async () => {
    handler = (req, res) =>
      json(res, 401, { code: 'bad.credentials', message: `bad token ${req.headers.authorization ?? ''}` });
    await assert.rejects(client.getMember(creds, 'x', { signal: signal() }), (err) => {
      assert.ok(err instanceof GenesysApiError && err.status === 401 && err.isPermanent);
      assertNoSecret(err);
      assert.match(err.message, /\[REDACTED\]/);
      return true;
    });
  });

  test('timeout: no answer within timeoutMs → GenesysTimeoutError (retryable)', async () => {
    handler = () => {
      /* never answer */
    };
    await assert.rejects(client.getMember(creds, 'x', { signal: signal(), timeoutMs: 100 }), (err) => {
      assert.ok(err instanceof GenesysTimeoutError && err.isRetryable);
      assert.equal(err.timeoutMs, 100);
      return true;
    });
  });

  test('abort: a pre-aborted signal sends nothing; aborting in flight → GenesysAbortedError', async () => {
    handler = () => {
      /* never answer */
    };
    const pre = new AbortController();
    pre.abort();
    await assert.rejects(client.getMember(creds, 'x', { signal: pre.signal }), GenesysAbortedError);
    assert.equal(server.requests.length, 0);
    const ac = new AbortController();
    const p = client.getMember(creds, 'x', { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(p, GenesysAbortedError);
  });

  test('connection refused → GenesysNetworkError (retryable)', async () => {
    const dead = await startHttpServer(() => undefined);
    await dead.close();
    const c = new GuestChatRestClient({ baseUrl: dead.url, timeoutMs: 2000 });
    await assert.rejects(c.getMember(creds, 'x', { signal: signal() }), (err) => {
      assert.ok(err instanceof GenesysNetworkError && err.isRetryable);
      assertNoSecret(err);
      return true;
    });
  });

  test('redirects are not followed (the JWT must not travel to another URL)', async () => {
    handler = (req, res) => {
      if (req.url.startsWith('/elsewhere')) return json(res, 200, { id: 'x', role: 'AGENT' });
      res.writeHead(307, { location: '/elsewhere' });
      res.end();
    };
    await assert.rejects(
      client.getMember(creds, 'x', { signal: signal() }),
      (err) => err instanceof GenesysApiError && err.status === 307 && err.isPermanent,
    );
    assert.ok(server.requests.every((r) => !r.url.startsWith('/elsewhere')));
  });
});
