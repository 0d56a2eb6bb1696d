// Queue routing: skills and language decide who may take a chat; with busy agents the higher priority
// chat is served first (documented in docs/emulator.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QueueConfig } from '../../src/emulator/index.ts';
import { waitFor } from '../support/wait-for.ts';
import { agentApi, attachedChat, conversationView, startTestEmulator } from './helpers.ts';

const queues: QueueConfig[] = [
  {
    name: 'Care',
    agents: [
      { name: 'Ann English', skills: ['general'], languages: ['English'], capacity: 1 },
      { name: 'Bea German', skills: ['general', 'billing'], languages: ['German', 'en'], capacity: 1 },
    ],
  },
  { name: 'Solo', agents: [{ name: 'Otto Only', skills: [], languages: ['English'], capacity: 1 }] },
];

const agentName = async (
  emulator: Awaited<ReturnType<typeof startTestEmulator>>,
  id: string,
): Promise<string | undefined> => {
  const result = await agentApi(emulator, 'POST', `/conversations/${id}/agent/join`, {});
  if (result.status !== 200)
    return `${result.status}:${(result.body as { error: { code: string } }).error.code}`;
  return (result.body as { agent: { displayName: string } }).agent.displayName;
};

test('skills and language pick the agent; no eligible agent with capacity → 409 no_agent_available', async () => {
  const emulator = await startTestEmulator({ queues });
  try {
    const billing = await attachedChat(emulator, {
      routingTarget: { targetType: 'QUEUE', targetAddress: 'Care', skills: ['Billing'] },
    });
    assert.equal(await agentName(emulator, billing.chat.id), 'Bea German');
    // Bea is at capacity now; German speakers are needed → nobody.
    const german = await attachedChat(emulator, {
      routingTarget: { targetType: 'QUEUE', targetAddress: 'Care', language: 'de-DE' },
    });
    assert.equal(await agentName(emulator, german.chat.id), '409:no_agent_available');
    // English (as a tag) is spoken by Ann, who is free.
    const english = await attachedChat(emulator, {
      routingTarget: { targetType: 'QUEUE', targetAddress: 'Care', language: 'en-GB' },
    });
    assert.equal(await agentName(emulator, english.chat.id), 'Ann English');
    const french = await attachedChat(emulator, {
      routingTarget: { targetType: 'QUEUE', targetAddress: 'Care', language: 'French' },
    });
    assert.equal(await agentName(emulator, french.chat.id), '409:no_agent_available');
    // When Bea's chat ends she is free again for the German chat.
    await agentApi(emulator, 'POST', `/conversations/${billing.chat.id}/agent/leave`);
    assert.equal(await agentName(emulator, german.chat.id), 'Bea German');
    for (const s of [billing, german, english, french]) await s.stream.close();
  } finally {
    await emulator.close();
  }
});

test('with the only agent busy, the higher-priority chat is served first (auto-agent routing)', async () => {
  const emulator = await startTestEmulator({ queues, autoAgent: { acceptDelayMs: 0, replyDelayMs: 0 } });
  try {
    const solo = { targetType: 'QUEUE', targetAddress: 'Solo' };
    const first = await attachedChat(emulator, { routingTarget: { ...solo, priority: 0 } });
    await waitFor(async () => (await conversationView(emulator, first.chat.id)).state === 'connected', {
      timeoutMs: 5_000,
      what: 'first chat connected',
    });
    const low = await attachedChat(emulator, { routingTarget: { ...solo, priority: 1 } });
    const high = await attachedChat(emulator, { routingTarget: { ...solo, priority: 10 } });
    const queuesView = await agentApi(emulator, 'GET', '/queues');
    const soloView = (
      queuesView.body as {
        entities: { name: string; waiting: { id: string }[]; agents: { load: number }[] }[];
      }
    ).entities.find((q) => q.name === 'Solo')!;
    assert.deepEqual(
      soloView.waiting.map((w) => w.id),
      [high.chat.id, low.chat.id],
    );
    assert.equal(soloView.agents[0]!.load, 1);

    await agentApi(emulator, 'POST', `/conversations/${first.chat.id}/agent/leave`);
    await waitFor(async () => (await conversationView(emulator, high.chat.id)).state === 'connected', {
      timeoutMs: 5_000,
      what: 'high chat connected',
    });
    assert.equal((await conversationView(emulator, low.chat.id)).state, 'queued');
    await agentApi(emulator, 'POST', `/conversations/${high.chat.id}/agent/leave`);
    await waitFor(async () => (await conversationView(emulator, low.chat.id)).state === 'connected', {
      timeoutMs: 5_000,
      what: 'low chat connected',
    });
    for (const s of [first, low, high]) await s.stream.close();
  } finally {
    await emulator.close();
  }
});
