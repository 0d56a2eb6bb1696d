// The agent API and the agent feed say which configured agents routing would offer a chat
// (`eligibleAgents`: queue, every skill, the language), so the agent console can warn an agent who
// is about to accept a chat routing would give to someone else. The emulator's root and favicon
// point a browser to the console instead of a 404.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QueueConfig } from '../../src/emulator/index.ts';
import { agentApi, attachedChat, http, startTestEmulator } from './helpers.ts';

const queues: QueueConfig[] = [
  {
    name: 'Care',
    agents: [
      { name: 'Ann English', skills: ['general'], languages: ['English'] },
      { name: 'Bea German', skills: ['general', 'billing'], languages: ['German', 'en'] },
    ],
  },
];

test('eligibleAgents lists whom routing would offer the chat, in the list, the detail and the feed', async () => {
  const emulator = await startTestEmulator({ queues });
  // The feed (what the console renders from) sends changes only: open it before the chats exist.
  const feed = await fetch(`${emulator.url}/emulator/v1/events`, { signal: AbortSignal.timeout(10_000) });
  const reader = feed.body!.getReader();
  try {
    const billing = await attachedChat(emulator, {
      routingTarget: { targetType: 'QUEUE', targetAddress: 'Care', skills: ['Billing'] },
    });
    const german = await attachedChat(emulator, {
      routingTarget: { targetType: 'QUEUE', targetAddress: 'Care', language: 'de-DE', skills: ['general'] },
    });
    const anyone = await attachedChat(emulator, {
      routingTarget: { targetType: 'QUEUE', targetAddress: 'Care', language: 'english' },
    });
    const nobody = await attachedChat(emulator, {
      routingTarget: { targetType: 'QUEUE', targetAddress: 'Care', language: 'French' },
    });
    const list = (await agentApi(emulator, 'GET', '/conversations?state=queued')).body as {
      entities: { id: string; eligibleAgents: string[] }[];
    };
    const eligible = (id: string): string[] | undefined =>
      list.entities.find((c) => c.id === id)?.eligibleAgents;
    assert.deepEqual(eligible(billing.chat.id), ['Bea German']);
    assert.deepEqual(eligible(german.chat.id), ['Bea German']);
    assert.deepEqual(eligible(anyone.chat.id), ['Ann English', 'Bea German']);
    assert.deepEqual(eligible(nobody.chat.id), []);
    const detail = (await agentApi(emulator, 'GET', `/conversations/${billing.chat.id}`)).body as {
      eligibleAgents: string[];
    };
    assert.deepEqual(detail.eligibleAgents, ['Bea German']);

    let text = '';
    while (!text.includes('"eligibleAgents":["Bea German"]')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    assert.match(text, /"eligibleAgents":\["Bea German"\]/);
  } finally {
    await reader.cancel();
    await emulator.close();
  }
});

test('the root points to the console and the agent API; /favicon.ico is an empty 204', async () => {
  const emulator = await startTestEmulator();
  try {
    const root = await http(emulator, 'GET', '/');
    assert.equal(root.status, 200);
    assert.equal((root.body as { console: string }).console, '/console/');
    assert.equal((root.body as { agentApi: string }).agentApi, '/emulator/v1/conversations');
    const icon = await http(emulator, 'GET', '/favicon.ico');
    assert.equal(icon.status, 204);
  } finally {
    await emulator.close();
  }
});
