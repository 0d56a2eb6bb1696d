// Notification channels against the emulator's limits (§4.6): topics packed per channel with one
// channel kept spare, and a channel renewed before it expires (short lifetimes here, real time,
// bounded waits — the renewal logic itself is tested on virtual time against the fake).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningEmulator } from '../../../src/emulator/index.ts';
import {
  NotificationsCapacityError,
  type OpenMessagingClient,
} from '../../../src/providers/genesys-open-messaging/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import { clientFor, emulatorApi, startOmEmulator } from './emulator-harness.ts';
import { watchRecorder } from './watch-recorder.ts';

const signal = () => new AbortController().signal;

let emulator: RunningEmulator;
before(async () => {
  emulator = await startOmEmulator({
    maxChannelsPerClient: 3,
    channelLifetimeMs: 3_000,
  });
});
after(() => emulator.close());

async function newConversation(client: OpenMessagingClient, customerId: string): Promise<string> {
  const sent = await client.inbound.sendMessage(
    { customer: { id: customerId }, text: 'hi' },
    { signal: signal() },
  );
  assert.ok(sent.conversationId);
  return sent.conversationId;
}

async function channelCount(client: OpenMessagingClient): Promise<number> {
  return (await client.notificationsApi.listChannels({ signal: signal(), includeChannels: 'oauthclient' }))
    .length;
}

describe('notification channels against the emulator (§4.6)', () => {
  test('one conversation per channel (4 topics each), two channels, the third kept spare', async () => {
    const { client } = clientFor(emulator, {
      notifications: { maxTopicsPerChannel: 4, maxChannels: 3, renewBeforeExpiryMs: 1_000 },
    });
    try {
      const w1 = await client.notifications.watchConversation(
        await newConversation(client, 'lim-1'),
        { onEvent: () => undefined },
        signal(),
      );
      await client.notifications.watchConversation(
        await newConversation(client, 'lim-2'),
        { onEvent: () => undefined },
        signal(),
      );
      assert.equal(await channelCount(client), 2);
      await assert.rejects(
        client.notifications.watchConversation(
          await newConversation(client, 'lim-3'),
          { onEvent: () => undefined },
          signal(),
        ),
        NotificationsCapacityError,
      );
      await w1.close();
      await client.notifications.watchConversation(
        await newConversation(client, 'lim-4'),
        { onEvent: () => undefined },
        signal(),
      );
      assert.equal(client.notifications.stats.topics, 8);
    } finally {
      await client.close();
    }
  });

  test('renewed before the (3 s) channel expires: a new channel takes the topics, events keep flowing', async () => {
    const { client } = clientFor(emulator, {
      notifications: { renewBeforeExpiryMs: 2_000, maxChannels: 3 },
    });
    try {
      const conversationId = await newConversation(client, 'renew-1');
      const w = watchRecorder();
      await client.notifications.watchConversation(conversationId, w.handlers, signal());
      await waitFor(() => client.notifications.stats.renewals >= 1, { what: 'a renewal', timeoutMs: 10_000 });
      await emulatorApi(emulator, 'POST', `/conversations/${conversationId}/agent/join`, {
        displayName: 'Rene Renewed',
      });
      await w.next('user.start');
      assert.deepEqual(w.states, [], 'make-before-break: nothing lost, nothing to reconcile');
    } finally {
      await client.close();
    }
  });
});
