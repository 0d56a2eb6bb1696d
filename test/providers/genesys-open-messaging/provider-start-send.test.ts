// The provider's outbound side on virtual time against a scripted Genesys: the first message
// (§3.1, §3.5, §6), later messages, typing, receipts (§3.3), the end (§5), and the guard against
// starting a new Genesys conversation after the handover's ended (§3.5).
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ProviderError, type ProviderStartRequest } from '../../../src/core/ports/provider.ts';
import { OPEN_MESSAGING_KIND } from '../../../src/providers/genesys-open-messaging/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import { coreRecorder, INBOUND, providerRig, type ProviderRig } from './provider-rig.ts';

const signal = () => new AbortController().signal;

let rig: ProviderRig;
afterEach(async () => rig.close());

const request = (overrides: Partial<ProviderStartRequest> = {}): ProviderStartRequest => ({
  handoverId: 'h-1',
  endpointId: 'om',
  customer: {
    userId: 'u1',
    sessionId: 's1',
    displayName: 'Alex $& Doe',
    firstName: 'Alex',
    lastName: 'Doe',
    email: 'alex@example.com',
  },
  settings: {
    queue: 'Support',
    language: 'German',
    skills: ['Billing', 'VIP'],
    priority: 5,
    customAttributes: { plan: 'gold', hg_queue: 'ignored' },
  },
  requestedAt: '2030-01-01T00:00:00.123Z',
  ...overrides,
});

const bodies = (rig: ProviderRig, kind: 'message' | 'event' | 'receipt') =>
  rig.genesys.fake.calls('POST', `${INBOUND}/${kind}`).map((r) => JSON.parse(r.body));

async function started(r: ProviderRig, req = request()) {
  const ref = await r.provider.start(req, signal());
  return ref;
}

describe('start (§3.1, §3.5, §6)', () => {
  test('the first message: our customer id, stable messageId and time, routing as custom attributes', async () => {
    rig = await providerRig();
    const ref = await started(rig);
    assert.deepEqual(ref, {
      kind: OPEN_MESSAGING_KIND,
      data: { conversationId: 'conv-1', customerId: 'hg-h-1' },
    });
    const [call] = rig.genesys.fake.calls('POST', `${INBOUND}/message`);
    assert.equal(call!.query.get('prefetchConversationId'), 'true');
    assert.deepEqual(JSON.parse(call!.body), {
      channel: {
        from: {
          id: 'hg-h-1',
          idType: 'Opaque',
          firstName: 'Alex',
          lastName: 'Doe',
          nickname: 'Alex $& Doe',
          email: 'alex@example.com',
        },
        time: '2030-01-01T00:00:00.123Z',
        messageId: 'h-1:start',
        metadata: {
          customAttributes: {
            plan: 'gold',
            // The routing settings win a name clash: they are the contract with the flow (§6).
            hg_queue: 'Support',
            hg_language: 'German',
            hg_skills: 'Billing,VIP',
            hg_priority: '5',
          },
        },
      },
      text: 'Alex $& Doe was handed over by the bot.',
    });
  });

  test('a retried start sends the same message (same id and time, not the clock)', async () => {
    rig = await providerRig();
    await started(rig);
    await rig.time.advance(60_000);
    await started(rig);
    const [first, second] = bodies(rig, 'message');
    assert.deepEqual(second, first);
  });

  test('configured names, prefix and text; absent settings are left out', async () => {
    rig = await providerRig({
      attributeNames: { queue: 'q', skills: 's' },
      customerIdPrefix: 'gw:',
      firstMessage: 'Hand-over of {name} ({name})',
    });
    const ref = await started(
      rig,
      request({
        customer: { userId: 'u', sessionId: 's', displayName: 'Kim' },
        settings: { queue: 'Sales', skills: [], customAttributes: {} },
      }),
    );
    assert.equal(ref.data.customerId, 'gw:h-1');
    const [body] = bodies(rig, 'message');
    assert.deepEqual(body.channel.from, { id: 'gw:h-1', idType: 'Opaque', nickname: 'Kim' });
    assert.deepEqual(body.channel.metadata.customAttributes, { q: 'Sales' });
    assert.equal(body.text, 'Hand-over of Kim (Kim)');
  });

  test('no conversation id in the answer: a permanent error with a stable code', async () => {
    rig = await providerRig();
    rig.genesys.answerMessage = () => ({ id: 'gm-x' });
    const err = await rig.provider.start(request(), signal()).catch((e: unknown) => e);
    assert.ok(err instanceof ProviderError);
    assert.equal(err.code, 'OM_NO_CONVERSATION_ID');
    assert.equal(err.retryable, false);
  });
});

describe('send, typing, acknowledge, end', () => {
  test('send: our line id and time, text and files; the Genesys id comes back', async () => {
    rig = await providerRig();
    const ref = await started(rig);
    const sent = await rig.provider.send(
      ref,
      {
        id: 'line-7',
        text: '',
        kind: 'text',
        at: '2030-01-01T00:01:00.000Z',
        attachments: [
          {
            url: 'https://files.example/a.pdf',
            mediaType: 'file',
            mime: 'application/pdf',
            filename: 'a.pdf',
          },
          { url: 'https://files.example/b', mediaType: 'image' },
        ],
      },
      signal(),
    );
    assert.match(sent.providerMessageId, /^gm-/);
    assert.equal(sent.at, '2030-01-01T00:01:00.000Z');
    const body = bodies(rig, 'message')[1];
    assert.deepEqual(body, {
      channel: {
        from: { id: 'hg-h-1', idType: 'Opaque' },
        time: '2030-01-01T00:01:00.000Z',
        messageId: 'line-7',
      },
      content: [
        {
          contentType: 'Attachment',
          attachment: {
            mediaType: 'File',
            url: 'https://files.example/a.pdf',
            mime: 'application/pdf',
            filename: 'a.pdf',
          },
        },
        {
          contentType: 'Attachment',
          attachment: {
            mediaType: 'Image',
            url: 'https://files.example/b',
            mime: 'application/octet-stream',
          },
        },
      ],
    });
    await rig.provider.send(
      ref,
      { id: 'line-8', text: 'hello', kind: 'text', at: '2030-01-01T00:01:01.000Z' },
      signal(),
    );
    assert.equal(bodies(rig, 'message')[2].text, 'hello');
  });

  test('receipts turned off (`deliveryReceipts: false`): the provider has none, so none is sent (§3.3)', async () => {
    rig = await providerRig({ deliveryReceipts: false });
    assert.equal(rig.provider.acknowledge, undefined);
  });

  test('typing (§3.2), a Delivered and a Failed receipt (§3.3), the end (§5)', async () => {
    rig = await providerRig();
    const ref = await started(rig);
    await rig.provider.typing(ref, signal());
    assert.deepEqual(bodies(rig, 'event')[0].events, [{ eventType: 'Typing' }]);
    assert.equal(bodies(rig, 'event')[0].channel.from.id, 'hg-h-1');

    const acknowledge = rig.provider.acknowledge;
    assert.ok(acknowledge, 'receipts are on by default');
    await acknowledge(ref, 'agent-msg-1', 'delivered', signal());
    await acknowledge(ref, 'agent-msg-2', 'failed', signal());
    const [delivered, failed] = bodies(rig, 'receipt');
    assert.equal(delivered.id, 'agent-msg-1');
    assert.deepEqual(delivered.channel.to, { id: 'hg-h-1' });
    assert.equal(delivered.status, 'Delivered');
    assert.equal(delivered.isFinalReceipt, true);
    assert.equal(failed.status, 'Failed');
    assert.equal(failed.reasons[0].code, 'GeneralError');

    await rig.provider.end(ref, signal());
    assert.equal(rig.genesys.participant('conv-1', 'cust-conv-1').state, 'disconnected');
    // Already gone: still a success, and no second PATCH.
    await rig.provider.end(ref, signal());
    assert.equal(rig.genesys.fake.calls('PATCH', /participants/).length, 1);
  });
});

describe('the new-conversation guard (§3.5)', () => {
  test('an answer naming another conversation: that one is closed, the send fails for good, later sends are refused unsent', async () => {
    rig = await providerRig();
    const ref = await started(rig);
    rig.genesys.conversation('conv-new');
    rig.genesys.answerMessage = () => ({ id: 'gm-late', conversationId: 'conv-new' });
    const r = coreRecorder();
    const connection = await rig.provider.attach(ref, r.handlers, signal());
    const err = await rig.provider
      .send(ref, { id: 'line-1', text: 'anyone?', kind: 'text', at: '2030-01-01T00:02:00.000Z' }, signal())
      .catch((e: unknown) => e);
    assert.ok(err instanceof ProviderError);
    assert.equal(err.code, 'OM_NEW_CONVERSATION');
    assert.equal(err.retryable, false);
    assert.equal(rig.genesys.participant('conv-new', 'cust-conv-new').state, 'disconnected');

    const before = bodies(rig, 'message').length;
    const again = await rig.provider
      .send(ref, { id: 'line-2', text: 'hello?', kind: 'text', at: '2030-01-01T00:02:01.000Z' }, signal())
      .catch((e: unknown) => e);
    assert.ok(again instanceof ProviderError);
    assert.equal(again.code, 'OM_CONVERSATION_ENDED');
    assert.equal(again.details.notProcessed, true);
    assert.equal(bodies(rig, 'message').length, before, 'nothing was sent');
    await connection.close();
  });

  test('once the watch reports the customer gone, sends are refused and typing is dropped', async () => {
    rig = await providerRig();
    const ref = await started(rig);
    const r = coreRecorder();
    const connection = await rig.provider.attach(ref, r.handlers, signal());
    rig.genesys.notify('conv-1', 'customer.end', { participantId: 'cust-conv-1', disconnectType: 'PEER' });
    await waitFor(() => r.events.length > 0, { what: 'customer disconnected' });
    const err = await rig.provider
      .send(
        ref,
        { id: 'line-1', text: 'still there?', kind: 'text', at: '2030-01-01T00:02:00.000Z' },
        signal(),
      )
      .catch((e: unknown) => e);
    assert.ok(err instanceof ProviderError);
    assert.equal(err.code, 'OM_CONVERSATION_ENDED');
    await rig.provider.typing(ref, signal());
    assert.equal(bodies(rig, 'event').length, 0);
    assert.equal(bodies(rig, 'message').length, 1, 'only the first message');
    await connection.close();
  });
});
