// The client against the emulator: inbound message, typing and attachments (§3), custom attributes (§6).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningEmulator } from '../../../src/emulator/index.ts';
import {
  OpenMessagingApiError,
  type OpenMessagingClient,
} from '../../../src/providers/genesys-open-messaging/index.ts';
import { clientFor, emulatorApi, startOmEmulator } from './emulator-harness.ts';

const signal = () => new AbortController().signal;

let emulator: RunningEmulator;
let client: OpenMessagingClient;
before(async () => {
  emulator = await startOmEmulator({});
  ({ client } = clientFor(emulator));
});
after(async () => {
  await client.close();
  await emulator.close();
});

describe('inbound against the emulator (§3, §6)', () => {
  test('the first message creates the conversation (prefetched id) with the custom attributes; the next joins it', async () => {
    const customer = { id: 'hg-session-inbound-1', firstName: 'Alex', lastName: 'Doe', nickname: 'Alex' };
    const first = await client.inbound.sendMessage(
      {
        customer,
        text: 'I need help with a bill',
        messageId: 'hg-1',
        customAttributes: {
          hg_queue: 'Billing',
          hg_language: 'German',
          hg_skills: 'billing',
          hg_priority: '5',
        },
      },
      { signal: signal() },
    );
    assert.ok(first.conversationId, 'prefetchConversationId answered');
    assert.ok(first.genesysMessageId);
    const view = await emulatorApi(emulator, 'GET', `/conversations/${first.conversationId}`);
    assert.equal(view.status, 200);
    assert.equal(view.body.queue, 'Billing');
    assert.deepEqual(view.body.customer.customFields, {
      hg_queue: 'Billing',
      hg_language: 'German',
      hg_skills: 'billing',
      hg_priority: '5',
    });

    const second = await client.inbound.sendMessage(
      {
        customer,
        text: 'Here is the invoice',
        attachments: [
          {
            mediaType: 'File',
            url: 'https://files.example/invoice.pdf',
            mime: 'application/pdf',
            filename: 'invoice.pdf',
          },
        ],
      },
      { signal: signal() },
    );
    assert.equal(second.conversationId, first.conversationId);
    await client.inbound.sendTyping(customer, { signal: signal() });
    const after = await emulatorApi(emulator, 'GET', `/conversations/${first.conversationId}`);
    const bodies = (after.body.messages as { body: string }[]).map((m) => m.body);
    assert.ok(bodies.includes('Here is the invoice'), JSON.stringify(bodies));
  });

  test('without prefetch the emulator gives no conversation id (§10.2 [U]); an unknown integration is a 404', async () => {
    const sent = await client.inbound.sendMessage(
      { customer: { id: 'hg-session-inbound-2' }, text: 'hi' },
      { signal: signal(), prefetchConversationId: false },
    );
    assert.equal(sent.conversationId, undefined);
    const { client: other } = clientFor(emulator, { integrationId: 'no-such-integration' });
    try {
      const err = await other.inbound
        .sendMessage({ customer: { id: 'x' }, text: 'hi' }, { signal: signal() })
        .catch((e: unknown) => e);
      assert.ok(err instanceof OpenMessagingApiError, String(err));
      assert.equal(err.isPermanent, true);
    } finally {
      await other.close();
    }
  });
});
