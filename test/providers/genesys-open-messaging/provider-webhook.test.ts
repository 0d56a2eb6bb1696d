// webhook.read (§4): signature first, then what the call means for which handover; the agent who wrote
// is the one the watch knows, else a (kept) conversation read — announced before its message.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ProviderError, type ProviderEvent, type WebhookReading } from '../../../src/core/ports/provider.ts';
import { OPEN_MESSAGING_KIND } from '../../../src/providers/genesys-open-messaging/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import {
  coreRecorder,
  describeEvent,
  providerRig,
  signed,
  webhookBody,
  type ProviderRig,
} from './provider-rig.ts';

const signal = () => new AbortController().signal;
const CUSTOMER = 'hg-h-1';

let rig: ProviderRig;
afterEach(async () => rig.close());

async function read(body: unknown, secret?: string): Promise<WebhookReading> {
  const { raw, headers } = signed(body, secret);
  return rig.provider.webhook.read(raw, headers, signal());
}

/** conv-1 of customer hg-h-1 with agent a1 (Alice) connected since 00:00:02. */
async function withAgent(opts: { connectedTime?: string } = {}) {
  rig = await providerRig();
  rig.genesys.conversation('conv-1');
  rig.genesys.conversationOf.set(CUSTOMER, 'conv-1');
  rig.genesys.addAgent('conv-1', {
    id: 'a1',
    state: 'connected',
    connectedTime: opts.connectedTime ?? '2030-01-01T00:00:02.000Z',
    name: 'alice.participant',
  });
  rig.genesys.user('user-a1', 'Alice Agent', 'https://img.example/alice.png');
}

/** The events of a reading that must carry some. */
function eventsOf(reading: WebhookReading): readonly ProviderEvent[] {
  if (reading.kind !== 'events') assert.fail(`expected events, got ${JSON.stringify(reading)}`);
  return reading.events;
}

/** The detail of a reading that must be `kind`. */
function detailOf(reading: WebhookReading, kind: 'ignored' | 'refused'): string {
  if (reading.kind === 'events' || reading.kind !== kind)
    assert.fail(`expected ${kind}, got ${JSON.stringify(reading)}`);
  return reading.detail;
}

const ref = { kind: OPEN_MESSAGING_KIND, data: { conversationId: 'conv-1', customerId: CUSTOMER } };

describe('webhook.read: what is refused and what is ignored (§4.4, §4.5)', () => {
  test('a missing or wrong signature is refused with 401 and the core code', async () => {
    await withAgent();
    const { raw } = signed(webhookBody(CUSTOMER, { text: 'hi' }));
    assert.deepEqual(await rig.provider.webhook.read(raw, {}, signal()), {
      kind: 'refused',
      status: 401,
      code: 'WEBHOOK_SIGNATURE_INVALID',
      detail: 'missing-signature',
    });
    const wrong = await read(webhookBody(CUSTOMER, { text: 'hi' }), 'another-secret-0123456');
    assert.equal(detailOf(wrong, 'refused'), 'signature-mismatch');
  });

  test('garbage, receipts, foreign customers, the customer side typing, contentless messages: ignored (200)', async () => {
    await withAgent();
    const ignored = async (body: unknown): Promise<string> => detailOf(await read(body), 'ignored');
    assert.match(await ignored('not json at all'), /unreadable/);
    assert.match(await ignored({ id: 'x', type: 'Text' }), /unreadable/);
    assert.match(
      await ignored(webhookBody(CUSTOMER, { type: 'Receipt', status: 'Delivered', direction: 'Inbound' })),
      /Delivered receipt/,
    );
    assert.match(await ignored(webhookBody('someone-else', { text: 'hi' })), /not one of this gateway/);
    assert.match(await ignored(webhookBody('hg-', { text: 'hi' })), /not one of this gateway/);
    assert.match(
      await ignored(
        webhookBody(CUSTOMER, {
          type: 'Event',
          direction: 'Inbound',
          events: [{ eventType: 'Typing', typing: { type: 'On', duration: 5000 } }],
        }),
      ),
      /customer side/,
    );
    assert.match(
      await ignored(webhookBody(CUSTOMER, { type: 'Event', events: [{ eventType: 'Presence' }] })),
      /Presence/,
    );
    assert.match(
      await ignored(webhookBody(CUSTOMER, { type: 'Structured', content: [{ contentType: 'QuickReply' }] })),
      /QuickReply/,
    );
    assert.equal(rig.genesys.reads('conv-1').length, 0, 'nothing was read for them');
  });

  test('the reorder window is the configured one (default 1 s)', async () => {
    await withAgent();
    assert.equal(rig.provider.webhook.reorderWindowMs, 1000);
    await rig.close();
    rig = await providerRig({ reorderWindowMs: 250 });
    assert.equal(rig.provider.webhook.reorderWindowMs, 250);
  });
});

describe('webhook.read: messages and typing (§4.1, §4.2)', () => {
  test('with the agent known from the watch: text, files, a flow text and typing, no read to name the agent', async () => {
    await withAgent();
    const r = coreRecorder();
    const connection = await rig.provider.attach(ref, r.handlers, signal());
    rig.genesys.notify('conv-1', 'user.start', { participantId: 'a1', userId: 'user-a1' });
    await waitFor(() => r.events.length === 1, { what: 'agent connected' });
    const reads = rig.genesys.reads('conv-1').length;

    const text = await read(
      webhookBody(CUSTOMER, {
        id: 'w1',
        text: 'Hello, Alice here',
        originatingEntity: 'Human',
        conversationId: 'conv-1',
      }),
    );
    assert.deepEqual(text, {
      kind: 'events',
      handoverId: 'h-1',
      events: [
        {
          type: 'message',
          providerMessageId: 'w1',
          participant: {
            id: 'a1',
            role: 'agent',
            displayName: 'Alice Agent',
            avatarUrl: 'https://img.example/alice.png',
          },
          text: 'Hello, Alice here',
          kind: 'text',
          own: false,
          at: '2030-01-01T00:00:10.000Z',
        },
      ],
    });

    const file = await read(
      webhookBody(CUSTOMER, {
        id: 'w2',
        originatingEntity: 'Human',
        content: [
          {
            contentType: 'Attachment',
            attachment: {
              id: 'att-1',
              mediaType: 'Image',
              url: 'https://api-downloads.example/api/v2/downloads/x1',
              mime: 'image/png',
              filename: 'receipt.png',
              contentSizeBytes: 2444,
            },
          },
          { contentType: 'Attachment', attachment: { mediaType: 'File', url: 'ftp://nope/x' } },
        ],
      }),
    );
    const fileEvent = eventsOf(file)[0];
    assert.ok(fileEvent?.type === 'message');
    assert.equal(fileEvent.text, '');
    assert.deepEqual(fileEvent.attachments, [
      {
        url: 'https://api-downloads.example/api/v2/downloads/x1',
        mediaType: 'image',
        mime: 'image/png',
        filename: 'receipt.png',
        sizeBytes: 2444,
      },
    ]);

    const flow = await read(
      webhookBody(CUSTOMER, { id: 'w3', text: 'Queue position 2', originatingEntity: 'Bot' }),
    );
    assert.deepEqual(eventsOf(flow).map(describeEvent), ['message:system:genesys-flow:Queue position 2']);

    const typing = await read(
      webhookBody(CUSTOMER, {
        id: 'w4',
        type: 'Event',
        events: [{ eventType: 'Typing', typing: { type: 'On', duration: 5000 } }],
      }),
    );
    const typingEvent = eventsOf(typing)[0];
    assert.ok(typingEvent?.type === 'typing');
    assert.equal(typingEvent.participant.id, 'a1');
    assert.equal(typingEvent.durationMs, 5000);
    assert.equal(typingEvent.own, false);

    // No read at all: the watch knew the agent, and what came before each is asked later (`place`).
    assert.equal(rig.genesys.reads('conv-1').length, reads, 'the watch knew the agent');
    await connection.close();
  });

  test('place: the message before each pushed one at Genesys (not the customer’s, not a receipt history found), one read for many', async () => {
    await withAgent();
    const connection = await rig.provider.attach(ref, coreRecorder().handlers, signal());
    const at = (s: number) => `2030-01-01T00:00:${String(s).padStart(2, '0')}.000Z`;
    rig.genesys.message('conv-1', 'a1', { id: 'm1', time: at(3), text: 'First', originatingEntity: 'Human' });
    rig.genesys.message('conv-1', 'cust-conv-1', { id: 'c1', time: at(4), text: 'Ok', direction: 'inbound' });
    rig.genesys.message('conv-1', 'a1', {
      id: 'w1',
      time: at(5),
      text: 'Second',
      originatingEntity: 'Human',
    });
    rig.genesys.message('conv-1', 'a1', { id: 'w2', time: at(6), text: 'Third', originatingEntity: 'Human' });
    const place = async (...ids: string[]) =>
      Object.fromEntries(await rig.provider.webhook.place(ref, ids, signal()));
    const reads = () => rig.genesys.reads('conv-1').length;
    const before = reads();
    assert.deepEqual(
      await place('w2', 'w1'),
      { w1: 'm1', w2: 'w1' },
      'the customer’s c1 is not what the bot must have heard',
    );
    assert.equal(reads(), before + 1, 'one read for both');
    assert.deepEqual(await place('w2'), { w2: 'w1' });
    assert.deepEqual(await place('m1'), {}, 'nothing before the first');
    assert.equal(reads(), before + 1, 'the kept read lists them');
    // A message the read does not list yet (Genesys' read lags its webhook): a new read, nothing to check.
    assert.deepEqual(await place('w9', 'w2'), { w2: 'w1' });
    assert.equal(reads(), before + 2);

    // A receipt listed under the agent is skipped once a history read found it is no message.
    rig.genesys.message('conv-1', 'a1', { id: 'r1', time: at(7), type: 'Receipt' });
    rig.genesys.message('conv-1', 'a1', {
      id: 'w3',
      time: at(8),
      text: 'Fourth',
      originatingEntity: 'Human',
    });
    assert.deepEqual(await place('w3'), { w3: 'r1' });
    for await (const _ of rig.provider.history(ref, 'w2', signal()));
    assert.deepEqual(await place('w3'), { w3: 'w2' });
    await connection.close();
  });

  test('a webhook call for a message the kept read does not list makes the next history read a new one', async () => {
    await withAgent();
    const connection = await rig.provider.attach(ref, coreRecorder().handlers, signal());
    const at = (s: number) => `2030-01-01T00:00:${String(s).padStart(2, '0')}.000Z`;
    rig.genesys.message('conv-1', 'a1', { id: 'w1', time: at(3), text: 'One', originatingEntity: 'Human' });
    const history = async () => {
      const ids: string[] = [];
      for await (const m of rig.provider.history(ref, undefined, signal())) ids.push(m.providerMessageId);
      return ids;
    };
    assert.deepEqual(await history(), ['w1']);
    const reads = rig.genesys.reads('conv-1').length;
    assert.deepEqual(await history(), ['w1'], 'a read a moment old answers (§1.4)');
    assert.equal(rig.genesys.reads('conv-1').length, reads);
    eventsOf(await read(webhookBody(CUSTOMER, { id: 'w1', text: 'One' })));
    assert.deepEqual(await history(), ['w1'], 'a call for a message it lists keeps it');
    assert.equal(rig.genesys.reads('conv-1').length, reads);

    rig.genesys.message('conv-1', 'a1', { id: 'w2', time: at(4), text: 'Two', originatingEntity: 'Human' });
    eventsOf(await read(webhookBody(CUSTOMER, { id: 'w2', text: 'Two', conversationId: 'conv-1' })));
    await rig.provider.webhook.place(ref, ['w1'], signal());
    assert.equal(rig.genesys.reads('conv-1').length, reads, 'still good to place what it lists');
    assert.deepEqual(await history(), ['w1', 'w2'], 'the kept read is older than w2: read anew');
    assert.equal(rig.genesys.reads('conv-1').length, reads + 1);
    await connection.close();
  });

  test('place: a read refused for good places nothing; a passing failure rejects (the core catches up)', async () => {
    rig = await providerRig();
    const gone = { kind: OPEN_MESSAGING_KIND, data: { conversationId: 'conv-gone', customerId: CUSTOMER } };
    assert.equal((await rig.provider.webhook.place(gone, ['w1'], signal())).size, 0);
    rig.genesys.fake.route('GET', '/api/v2/conversations/messages/conv-busy', () => ({
      status: 503,
      body: { code: 'service.unavailable', status: 503 },
    }));
    const busy = { kind: OPEN_MESSAGING_KIND, data: { conversationId: 'conv-busy', customerId: CUSTOMER } };
    const err = await rig.provider.webhook.place(busy, ['w1'], signal()).catch((e: unknown) => e);
    assert.ok(err instanceof ProviderError);
    assert.equal(err.retryable, true);
  });

  test('an agent nobody announced (after a restart): one read, `connected` before the message', async () => {
    await withAgent({ connectedTime: '2030-01-01T00:00:02.000Z' });
    const first = await read(
      webhookBody(CUSTOMER, {
        id: 'w1',
        text: 'Are you there?',
        originatingEntity: 'Human',
        conversationId: 'conv-1',
      }),
    );
    const events = eventsOf(first);
    assert.deepEqual(events.map(describeEvent), ['agent:a1:connected', 'message:agent:a1:Are you there?']);
    const announced = events[0];
    assert.ok(announced?.type === 'participant');
    assert.equal(announced.at, '2030-01-01T00:00:02.000Z', 'the agent connected before writing');
    assert.equal(announced.participant.displayName, 'Alice Agent');

    // A second call within a moment uses the same read, and still announces (the core drops repeats).
    const second = await read(
      webhookBody(CUSTOMER, {
        id: 'w2',
        type: 'Event',
        conversationId: 'conv-1',
        events: [{ eventType: 'Typing', typing: { type: 'On', duration: 3000 } }],
      }),
    );
    assert.deepEqual(eventsOf(second).map(describeEvent), ['agent:a1:connected', 'typing:agent:a1']);
    assert.equal(rig.genesys.reads('conv-1').length, 1);
    assert.equal(rig.genesys.fake.calls('GET', '/api/v2/users/user-a1').length, 1, 'the profile is kept');
  });

  test('attached but the watch has not told yet: announced once the core hears it from the watch, then no more', async () => {
    await withAgent({ connectedTime: '2030-01-01T00:00:20.000Z' });
    const r = coreRecorder();
    const connection = await rig.provider.attach(ref, r.handlers, signal());
    const early = await read(
      webhookBody(CUSTOMER, { id: 'w1', text: 'Hi', originatingEntity: 'Human', conversationId: 'conv-1' }),
    );
    const events = eventsOf(early);
    assert.deepEqual(events.map(describeEvent), ['agent:a1:connected', 'message:agent:a1:Hi']);
    // Connected "later" than the message by Genesys' clock: the announcement takes the message's time.
    assert.equal(events[0]?.at, '2030-01-01T00:00:10.000Z');

    rig.genesys.notify('conv-1', 'user.start', { participantId: 'a1', userId: 'user-a1' });
    await waitFor(() => r.events.length === 1, { what: 'agent connected from the watch' });
    const later = await read(
      webhookBody(CUSTOMER, { id: 'w2', text: 'Still here', originatingEntity: 'Human' }),
    );
    assert.deepEqual(eventsOf(later).map(describeEvent), ['message:agent:a1:Still here']);
    await connection.close();
  });

  test('no agent to be found: typing is ignored, a message goes out as an unnamed agent; a failing read is unread', async () => {
    rig = await providerRig();
    rig.genesys.conversation('conv-1');
    const typing = await read(
      webhookBody(CUSTOMER, { type: 'Event', conversationId: 'conv-1', events: [{ eventType: 'Typing' }] }),
    );
    assert.equal(typing.kind, 'ignored');
    // The conversation is unknown to Genesys (404): the message still reaches the bot.
    const lost = await read(webhookBody(CUSTOMER, { id: 'w1', text: 'hi', conversationId: 'conv-gone' }));
    assert.deepEqual(eventsOf(lost).map(describeEvent), ['message:agent:genesys-agent:hi']);
    // A 503 on the read: the route answers 5xx and Genesys delivers again (§4.5); the core learns
    // which handover and message, to read them should Genesys give up (~85 s).
    rig.genesys.fake.route('GET', '/api/v2/conversations/messages/conv-busy', () => ({
      status: 503,
      body: { code: 'service.unavailable', status: 503 },
    }));
    const unread = await read(webhookBody(CUSTOMER, { id: 'w2', text: 'hi', conversationId: 'conv-busy' }));
    if (unread.kind !== 'unread') assert.fail(`expected unread, got ${JSON.stringify(unread)}`);
    assert.equal(unread.handoverId, 'h-1');
    assert.deepEqual(unread.providerMessageIds, ['w2']);
    assert.equal(unread.code, 'service.unavailable', 'the provider error’s code, for the logs');
    assert.equal(rig.provider.webhook.redeliveryMs, 90_000);
  });

  test('a call about another conversation of an attached customer is ignored', async () => {
    await withAgent();
    const connection = await rig.provider.attach(ref, coreRecorder().handlers, signal());
    const other = await read(
      webhookBody(CUSTOMER, { id: 'w9', text: 'hi', originatingEntity: 'Human', conversationId: 'conv-9' }),
    );
    assert.equal(other.kind, 'ignored');
    await connection.close();
  });
});
