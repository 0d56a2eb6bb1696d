// The demo bot's server against the real gateway and emulator (startDemo, as `npm start` runs it):
// the page API, the session cookie, the page's event stream with resume, the relay both ways, the
// end of a handover from either side — and that nothing secret ever reaches the page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startDemoBot } from '../../src/demo-bot/index.ts';
import { BACK_TO_BOT } from '../../src/demo-bot/demo-bot.ts';
import { GREETING, HELLO } from '../../src/demo-bot/replies.ts';
import { startTestDemo, type DemoUnderTest } from '../support/demo-harness.ts';
import { SseClient } from '../support/sse-client.ts';
import { hasItem, items, lastStatus, PageClient, statuses } from './page-client.ts';
import { waitFor } from '../support/wait-for.ts';

let sut: DemoUnderTest;
before(async () => {
  sut = await startTestDemo();
});
after(async () => {
  await sut.close();
});

async function emu(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sut.demo.emulator.url}/emulator/v1${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const json = await res.json();
  assert.ok(res.ok, JSON.stringify(json));
  return json;
}

async function conversationOf(displayName: string, state: string): Promise<any> {
  return waitFor(
    async () =>
      ((await emu('GET', '/conversations')).entities as any[]).find(
        (c) => c.customer?.displayName === displayName && c.state === state,
      ),
    { what: `${state} conversation of ${displayName}` },
  );
}

describe('demo bot page API', () => {
  test('a session cookie (HttpOnly, SameSite=Strict) identifies the browser; without it the API answers 401', async () => {
    const page = new PageClient(sut.demo.bot.url);
    const first = await page.call('POST', '/api/session', {});
    assert.equal(first.status, 200);
    assert.match(
      first.headers.get('set-cookie') ?? '',
      /^demo_session=[\w-]{32}; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    assert.deepEqual(first.body.status, { mode: 'bot' });
    const again = await page.call('POST', '/api/session', {});
    assert.equal(again.headers.get('set-cookie'), null, 'the same session resumes');

    const stranger = new PageClient(sut.demo.bot.url);
    const refused = await stranger.call('POST', '/api/messages', { text: 'hi' });
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error.code, 'no_session');
    stranger.cookie = 'demo_session=guessed';
    assert.equal((await stranger.call('GET', '/api/events')).status, 401);
  });

  test('bodies are validated: empty text, unknown fields, bad priority, duplicate attribute keys → 400', async () => {
    const page = new PageClient(sut.demo.bot.url);
    await page.call('POST', '/api/session', {});
    const settings = { endpoint: 'demo', displayName: 'V', skills: [], customAttributes: [] };
    const bad: [string, string, unknown][] = [
      ['POST', '/api/messages', { text: '   ' }],
      ['POST', '/api/messages', { text: 'hi', extra: 1 }],
      ['PUT', '/api/settings', { ...settings, priority: 500 }],
      [
        'PUT',
        '/api/settings',
        {
          ...settings,
          customAttributes: [
            { key: 'a', value: '1' },
            { key: 'a', value: '2' },
          ],
        },
      ],
      ['POST', '/api/handover', { now: true }],
      ['PUT', '/api/settings', { ...settings, endpoint: undefined }],
      ['PUT', '/api/settings', { ...settings, endpoint: ' ' }],
    ];
    for (const [method, path, body] of bad) {
      const res = await page.call(method, path, body);
      assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(body)}`);
      assert.equal(res.body.error.code, 'invalid_request');
    }
  });

  test('the session lists the contact centers; an unknown one is refused with unknown_endpoint', async () => {
    const page = new PageClient(sut.demo.bot.url);
    const session = await page.call('POST', '/api/session', {});
    assert.deepEqual(session.body.endpoints, [
      { id: 'demo', label: 'Guest chat' },
      { id: 'demo-om', label: 'Open Messaging' },
    ]);
    assert.equal(session.body.settings.endpoint, 'demo', 'the first endpoint is the default');
    const settings = { endpoint: 'demo', displayName: 'V', skills: [], customAttributes: [] };
    const unknown = await page.call('PUT', '/api/settings', { ...settings, endpoint: 'demo-carrier-pigeon' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.code, 'unknown_endpoint');
    assert.deepEqual(unknown.body.error.details, [{ path: 'endpoint', message: 'one of: demo, demo-om' }]);
    assert.equal((await page.call('PUT', '/api/settings', settings)).status, 200);
    assert.equal((await page.call('PUT', '/api/settings', { ...settings, endpoint: 'demo-om' })).status, 200);
  });

  test('the bot answers; a handover carries settings and transcript; both directions relay; reconnect resumes; the agent ends', async () => {
    const page = new PageClient(sut.demo.bot.url);
    const agentFeed = await SseClient.open(`${sut.demo.emulator.url}/emulator/v1/events`);
    try {
      await page.call('POST', '/api/session', {});
      const sse = await page.open();
      await waitFor(() => hasItem(sse, 'bot', GREETING), { what: 'greeting' });
      assert.equal((await page.call('POST', '/api/messages', { text: 'hello' })).status, 202);
      await waitFor(() => hasItem(sse, 'bot', HELLO), { what: 'hello answer' });

      const saved = await page.call('PUT', '/api/settings', {
        endpoint: 'demo',
        displayName: 'Ada Lovelace',
        language: 'German',
        skills: ['escalation', 'escalation'],
        priority: 9,
        customAttributes: [{ key: 'orderId', value: 'B-7' }],
      });
      assert.equal(saved.status, 200);
      assert.deepEqual(saved.body.settings.skills, ['escalation']);

      await page.call('POST', '/api/messages', { text: 'I want an agent' });
      await waitFor(() => lastStatus(sse)?.mode === 'queued', { what: 'queued status' });
      assert.ok(hasItem(sse, 'notice', 'You are in the queue for Support'));
      const conversation = await conversationOf('Ada Lovelace', 'queued');
      assert.deepEqual(conversation.routing, { skills: ['escalation'], language: 'German', priority: 9 });
      assert.equal(conversation.customer.customFields.orderId, 'B-7');

      const joined = await emu('POST', `/conversations/${conversation.id}/agent/join`, {
        displayName: 'Bruno Schmidt',
      });
      assert.equal(joined.agent.displayName, 'Bruno Schmidt');
      await waitFor(() => lastStatus(sse)?.mode === 'agent', { what: 'agent status' });
      assert.equal(lastStatus(sse).agent.name, 'Bruno Schmidt');
      assert.match(
        lastStatus(sse).agent.avatarUrl,
        /^http:\/\/127\.0\.0\.1:\d+\/emulator\/v1\/avatars\/bruno-schmidt\.svg$/,
      );
      // The agent got the bot conversation so far, before anything else.
      const history = (await emu('GET', `/conversations/${conversation.id}`)).messages as any[];
      const firstText = history.find((m) => m.bodyType === 'standard');
      assert.match(firstText.body, /hello/);
      assert.match(firstText.body, /I want an agent/);

      // Agent → customer: typing, then the message.
      await emu('POST', `/conversations/${conversation.id}/agent/typing`);
      const hint = await waitFor(() => sse.events<any>('typing')[0], { what: 'typing' });
      assert.equal(hint.agent.name, 'Bruno Schmidt');
      assert.ok(hint.expiresInMs > 0 && hint.expiresInMs <= 5000);
      await emu('POST', `/conversations/${conversation.id}/agent/messages`, {
        body: 'Guten Tag! <script>x</script>',
      });
      const agentLine = await waitFor(() => hasItem(sse, 'agent', 'Guten Tag!'), { what: 'agent message' });
      assert.equal(
        agentLine.text,
        'Guten Tag! <script>x</script>',
        'text arrives verbatim; the page escapes it',
      );

      // Customer → agent: typing (seen on the agent feed) and the message.
      assert.equal((await page.call('POST', '/api/typing', {})).status, 202);
      await waitFor(
        () => agentFeed.events<any>('typing').find((e) => e.typing.senderName === 'Ada Lovelace'),
        { what: 'customer typing at the agent' },
      );
      await page.call('POST', '/api/messages', { text: 'My parcel is lost' });
      await waitFor(
        async () =>
          ((await emu('GET', `/conversations/${conversation.id}`)).messages as any[]).some(
            (m) => m.body === 'My parcel is lost',
          ),
        { what: 'customer message at the agent' },
      );

      // Reconnect: a fresh page gets every item once; Last-Event-ID gets only what came after.
      const all = items(sse);
      const fresh = await page.open();
      await waitFor(() => items(fresh).length >= all.length && statuses(fresh).length > 0, {
        what: 'replay',
      });
      assert.deepEqual(
        items(fresh).map((i) => i.id),
        all.map((i) => i.id),
      );
      assert.equal(lastStatus(fresh).mode, 'agent');
      const middle = all[Math.floor(all.length / 2)];
      const resumed = await page.open(String(middle.seq));
      await waitFor(() => statuses(resumed).length > 0, { what: 'resumed status' });
      assert.deepEqual(
        items(resumed).map((i) => i.seq),
        all.filter((i) => i.seq > middle.seq).map((i) => i.seq),
      );

      // The agent ends: the page hears it and the bot is back.
      await emu('POST', `/conversations/${conversation.id}/agent/leave`);
      await waitFor(() => hasItem(sse, 'notice', 'Bruno Schmidt ended the chat.'), { what: 'end notice' });
      await waitFor(() => hasItem(sse, 'bot', BACK_TO_BOT), { what: 'bot back' });
      assert.equal(lastStatus(sse).mode, 'bot');
      await page.call('POST', '/api/messages', { text: 'hi again' });
      await waitFor(() => items(sse).filter((i) => i.kind === 'bot' && i.text === HELLO).length === 2, {
        what: 'bot answers again',
      });

      // Nothing secret reached the page: no API key, no JWT-shaped token, no event stream URI.
      const seen = page.allText();
      assert.ok(!seen.includes(sut.demo.apiKey), 'API key leaked to the page');
      assert.doesNotMatch(seen, /eyJ[\w-]+\.[\w-]+\.[\w-]+/, 'a JWT leaked to the page');
      assert.doesNotMatch(seen, /\/v1\/token\//);
    } finally {
      await agentFeed.close();
      await page.close();
    }
  });

  test('the customer ends the handover (even while queued); the chat is left at the contact center', async () => {
    const page = new PageClient(sut.demo.bot.url);
    try {
      await page.call('POST', '/api/session', {});
      const saved = await page.call('PUT', '/api/settings', {
        endpoint: 'demo',
        displayName: 'Quitter',
        skills: [],
        customAttributes: [],
      });
      assert.equal(saved.status, 200);
      const sse = await page.open();
      assert.equal((await page.call('POST', '/api/handover', {})).status, 202);
      await waitFor(() => lastStatus(sse)?.mode === 'queued', { what: 'queued' });
      const conversation = await conversationOf('Quitter', 'queued');
      assert.equal((await page.call('POST', '/api/handover/end', {})).status, 202);
      await waitFor(() => hasItem(sse, 'notice', 'You ended the chat with the agent.'), {
        what: 'end notice',
      });
      assert.equal(lastStatus(sse).mode, 'bot');
      const ended = await waitFor(
        async () => {
          const c = await emu('GET', `/conversations/${conversation.id}`);
          return c.state === 'ended' ? c : undefined;
        },
        { what: 'emulator conversation ended' },
      );
      assert.equal(ended.endReason, 'customer-left');
      // Ending again is harmless: no handover, nothing to do.
      assert.equal((await page.call('POST', '/api/handover/end', {})).status, 202);
      assert.equal(items(sse).filter((i) => i.text === 'You ended the chat with the agent.').length, 1);
    } finally {
      await page.close();
    }
  });

  test('the agent is told when the page is gone and when it is back (presence)', async () => {
    const bot = await startDemoBot({
      gatewayUrl: sut.demo.gateway.url,
      apiKey: sut.demo.apiKey,
      endpoints: [{ id: 'demo', label: 'Guest chat' }],
      awayAfterMs: 300,
    });
    const page = new PageClient(bot.url);
    try {
      await page.call('POST', '/api/session', {});
      await page.call('PUT', '/api/settings', {
        endpoint: 'demo',
        displayName: 'Petra Presence',
        skills: [],
        customAttributes: [],
      });
      const sse = await page.open();
      await page.call('POST', '/api/handover', {});
      await waitFor(() => lastStatus(sse).mode === 'queued', { what: 'queued' });
      const emu = sut.demo.emulator.url;
      const conv = await waitFor(async () => {
        const list = await (await fetch(`${emu}/emulator/v1/conversations`)).json();
        return (list.entities as any[]).find((c) => c.customer.displayName === 'Petra Presence');
      });
      const notices = async (): Promise<string[]> => {
        const c = await (await fetch(`${emu}/emulator/v1/conversations/${conv.id}`)).json();
        return (c.messages as any[]).filter((m) => m.bodyType === 'notice').map((m) => m.body);
      };
      // A quick reconnect (a reload) is not leaving.
      await sse.close();
      const again = await page.open();
      await waitFor(() => lastStatus(again).mode === 'queued', { what: 'resumed stream' });
      assert.deepEqual(await notices(), []);
      // Gone for longer than awayAfterMs: "left"; the next connection: "back".
      await again.close();
      await waitFor(async () => (await notices()).length === 1, { what: 'away notice' });
      await page.open();
      await waitFor(async () => (await notices()).length === 2, { what: 'back notice' });
      assert.deepEqual(await notices(), ['The customer left the conversation.', 'The customer is back.']);
      await page.call('POST', '/api/handover/end', {});
    } finally {
      await page.close();
      await bot.close();
    }
  });

  test('when the gateway cannot be reached, the bot says so and keeps answering', async () => {
    const bot = await startDemoBot({
      gatewayUrl: 'http://127.0.0.1:9',
      apiKey: 'k'.repeat(30),
      endpoints: [{ id: 'demo', label: 'Guest chat' }],
    });
    const page = new PageClient(bot.url);
    try {
      await page.call('POST', '/api/session', {});
      const sse = await page.open();
      await page.call('POST', '/api/messages', { text: 'agent' });
      await waitFor(() => hasItem(sse, 'bot', 'could not reach an agent'), { what: 'apology' });
      assert.equal(lastStatus(sse).mode, 'bot');
      await page.call('POST', '/api/messages', { text: 'hello' });
      await waitFor(() => hasItem(sse, 'bot', HELLO), { what: 'bot still answers' });
    } finally {
      await page.close();
      await bot.close();
    }
  });

  test('the page is served with a strict content security policy', async () => {
    const res = await fetch(sut.demo.bot.url);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<script type="module" src="\/app\.js"><\/script>/);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /connect-src 'self'/);
  });
});
