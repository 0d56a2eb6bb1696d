// The agent feed (GET /emulator/v1/events) and the agent console page (GET /console/): what the
// console needs to stay live — the customer's messages and typing, member changes as summaries.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { SseClient } from '../support/sse-client.ts';
import { waitFor } from '../support/wait-for.ts';
import { GUEST, StreamClient, createChat, http, startTestEmulator } from './helpers.ts';

let emulator: RunningEmulator;
before(async () => {
  emulator = await startTestEmulator();
});
after(async () => {
  await emulator.close();
});

const parsed = (feed: SseClient, type: string): any[] => feed.events<any>(type);

describe('agent feed', () => {
  test('streams conversation summaries, messages with sender role and name, and typing of both sides', async () => {
    const feed = await SseClient.open(`${emulator.url}/emulator/v1/events`);
    assert.equal(feed.status, 200);
    try {
      const chat = await createChat(emulator, {
        memberInfo: { displayName: 'Feed Guest', customFields: { plan: 'gold' } },
        routingTarget: {
          targetType: 'QUEUE',
          targetAddress: 'Support',
          skills: ['technical'],
          language: 'French',
          priority: 4,
        },
      });
      const stream = await StreamClient.open(chat.eventStreamUri);
      // Attaching queues the chat: the summary says so (taken after the phase change, not before).
      const queued = await waitFor(
        () =>
          parsed(feed, 'conversation').find(
            (e) => e.conversation.id === chat.id && e.conversation.state === 'queued',
          ),
        { what: 'queued summary' },
      );
      assert.deepEqual(queued.conversation.routing, {
        skills: ['technical'],
        language: 'French',
        priority: 4,
      });
      assert.deepEqual(queued.conversation.customer.customFields, { plan: 'gold' });

      const typed = await http(emulator, 'POST', `${GUEST}/${chat.id}/members/${chat.member.id}/typing`, {
        jwt: chat.jwt,
      });
      assert.equal(typed.status, 200, typed.text);
      const typing = await waitFor(() => parsed(feed, 'typing').find((e) => e.conversationId === chat.id), {
        what: 'customer typing on the feed',
      });
      assert.equal(typing.typing.senderRole, 'CUSTOMER');
      assert.equal(typing.typing.senderName, 'Feed Guest');

      const sent = await http(emulator, 'POST', `${GUEST}/${chat.id}/members/${chat.member.id}/messages`, {
        jwt: chat.jwt,
        body: { body: 'hello from the guest', bodyType: 'standard' },
      });
      assert.equal(sent.status, 200, sent.text);
      const message = await waitFor(
        () => parsed(feed, 'message').find((e) => e.message.body === 'hello from the guest'),
        { what: 'customer message on the feed' },
      );
      assert.equal(message.conversationId, chat.id);
      assert.equal(message.message.senderRole, 'CUSTOMER');
      assert.equal(message.message.bodyType, 'standard');

      const joined = await http(emulator, 'POST', `/emulator/v1/conversations/${chat.id}/agent/join`, {
        body: { displayName: 'Alice Moreau' },
      });
      assert.equal(joined.status, 200, joined.text);
      await waitFor(
        () =>
          parsed(feed, 'conversation').find(
            (e) =>
              e.conversation.id === chat.id &&
              e.conversation.state === 'connected' &&
              e.conversation.members.some((m: any) => m.role === 'AGENT' && m.displayName === 'Alice Moreau'),
          ),
        { what: 'connected summary' },
      );
      await http(emulator, 'POST', `/emulator/v1/conversations/${chat.id}/agent/typing`);
      const agentTyping = await waitFor(
        () => parsed(feed, 'typing').find((e) => e.typing.senderRole === 'AGENT'),
        { what: 'agent typing on the feed' },
      );
      assert.equal(agentTyping.typing.senderName, 'Alice Moreau');
      const join = parsed(feed, 'message').find(
        (e) => e.message.bodyType === 'member-join' && e.message.senderRole === 'AGENT',
      );
      assert.equal(join?.message.senderName, 'Alice Moreau');
      await stream.close();
    } finally {
      await feed.close();
    }
  });

  test('a feed without a guest socket still sees the customer typing (the hub taps every publish)', async () => {
    const chat = await createChat(emulator, { memberInfo: { displayName: 'No Socket' } });
    const stream = await StreamClient.open(chat.eventStreamUri);
    await stream.close(); // grace period starts; the chat stays active meanwhile
    const feed = await SseClient.open(`${emulator.url}/emulator/v1/events`);
    try {
      const typed = await http(emulator, 'POST', `${GUEST}/${chat.id}/members/${chat.member.id}/typing`, {
        jwt: chat.jwt,
      });
      assert.equal(typed.status, 200, typed.text);
      await waitFor(() => parsed(feed, 'typing').find((e) => e.conversationId === chat.id), {
        what: 'typing without a guest socket',
      });
    } finally {
      await feed.close();
    }
  });

  test('close() ends open feeds, so the emulator stops promptly', async () => {
    const own = await startTestEmulator();
    const feed = await SseClient.open(`${own.url}/emulator/v1/events`);
    const started = Date.now();
    await own.close();
    await feed.done;
    assert.ok(Date.now() - started < 3000, 'closed within 3 s');
  });
});

describe('agent console page', () => {
  test('is served at /console/ (and /console redirects there) as HTML with its ES modules', async () => {
    const page = await fetch(emulator.consoleUrl);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    assert.match(html, /<script type="module" src="console\.js"><\/script>/);
    const script = await fetch(`${emulator.consoleUrl}console.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    const redirect = await fetch(`${emulator.url}/console`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get('location'), '/console/');
  });
});
