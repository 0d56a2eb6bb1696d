// history and participants (§5): a conversation read lists message ids per participant; texts come
// from the bulk call, asked only after the cursor and in batches; one read serves a catch-up's
// participants() and history() back to back, and our own send makes it stale.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { HistoryMessage } from '../../../src/core/ports/provider.ts';
import { OPEN_MESSAGING_KIND } from '../../../src/providers/genesys-open-messaging/index.ts';
import { providerRig, type ProviderRig } from './provider-rig.ts';

const signal = () => new AbortController().signal;
const ref = { kind: OPEN_MESSAGING_KIND, data: { conversationId: 'conv-1', customerId: 'hg-h-1' } };
const t = (s: number) => `2030-01-01T00:00:${String(s).padStart(2, '0')}.000Z`;

let rig: ProviderRig;
afterEach(async () => rig.close());

async function collect(after?: string): Promise<HistoryMessage[]> {
  const out: HistoryMessage[] = [];
  for await (const m of rig.provider.history(ref, after, signal())) out.push(m);
  return out;
}

/** A conversation whose messages are listed under their participants out of time order. */
async function scripted() {
  rig = await providerRig();
  const g = rig.genesys;
  g.conversation('conv-1');
  g.conversations
    .get('conv-1')!
    .participants.push(
      { id: 'wf', purpose: 'workflow', state: 'disconnected', name: 'Inbound flow', messages: [] },
      { id: 'acd', purpose: 'acd', state: 'disconnected', messages: [] },
    );
  g.addAgent('conv-1', { id: 'a0', state: 'disconnected', connectedTime: t(3) });
  g.addAgent('conv-1', { id: 'a1', state: 'connected', connectedTime: t(4) });
  g.user('user-a1', 'Alice Agent', 'https://img.example/alice.png');
  g.message('conv-1', 'a1', {
    id: 'm4',
    time: t(6),
    originatingEntity: 'Human',
    content: [
      {
        contentType: 'Attachment',
        attachment: {
          mediaType: 'Image',
          url: 'https://dl.example/x.png',
          mime: 'image/png',
          filename: 'x.png',
        },
      },
    ],
  });
  g.message('conv-1', 'a1', { id: 'm3', time: t(5), text: 'Hi, Alice here', originatingEntity: 'Human' });
  g.message('conv-1', 'a1', { id: 'r1', time: t(7), type: 'Receipt' });
  g.message('conv-1', 'wf', { id: 'm2', time: t(2), text: 'Connecting you', originatingEntity: 'Bot' });
  g.message('conv-1', 'cust-conv-1', {
    id: 'm1',
    time: t(1),
    text: 'Alex was handed over',
    direction: 'inbound',
  });
  g.message('conv-1', 'cust-conv-1', {
    id: 'm5',
    time: t(8),
    direction: 'inbound',
    content: [
      {
        contentType: 'Attachment',
        attachment: { mediaType: 'File', url: 'https://files.example/f.pdf', mime: 'application/pdf' },
      },
    ],
  });
}

const brief = (m: HistoryMessage) =>
  `${m.providerMessageId}:${m.participant.role}:${m.own ? 'own' : '-'}:${m.text}`;

describe('history (§5)', () => {
  test('every message in time order, with its writer; receipts are no messages', async () => {
    await scripted();
    const all = await collect();
    assert.deepEqual(all.map(brief), [
      'm1:customer:own:Alex was handed over',
      'm2:system:-:Connecting you',
      'm3:agent:-:Hi, Alice here',
      'm4:agent:-:',
      'm5:customer:own:',
    ]);
    assert.deepEqual(all[2], {
      providerMessageId: 'm3',
      participant: {
        id: 'a1',
        role: 'agent',
        displayName: 'Alice Agent',
        avatarUrl: 'https://img.example/alice.png',
      },
      text: 'Hi, Alice here',
      kind: 'text',
      own: false,
      at: t(5),
    });
    assert.equal(all[1]!.participant.displayName, 'Inbound flow');
    assert.deepEqual(all[3]!.attachments, [
      { url: 'https://dl.example/x.png', mediaType: 'image', mime: 'image/png', filename: 'x.png' },
    ]);
    assert.deepEqual(all[4]!.attachments, [
      { url: 'https://files.example/f.pdf', mediaType: 'file', mime: 'application/pdf' },
    ]);
  });

  test('after a cursor only what follows is asked for; an unknown cursor means everything', async () => {
    await scripted();
    assert.deepEqual(
      (await collect('m3')).map((m) => m.providerMessageId),
      ['m4', 'm5'],
    );
    const asked = JSON.parse(rig.genesys.bulkCalls('conv-1').at(-1)!.body);
    assert.deepEqual(asked, ['m4', 'r1', 'm5']);
    assert.equal((await collect('not-ours')).length, 5);
    assert.deepEqual(await collect('m5'), []);
  });

  test('texts are asked in batches of at most 100', async () => {
    rig = await providerRig();
    rig.genesys.conversation('conv-1');
    for (let i = 0; i < 150; i++) {
      rig.genesys.message('conv-1', 'cust-conv-1', {
        id: `c${i}`,
        time: new Date(Date.parse(t(0)) + (150 - i) * 1000).toISOString(),
        text: `line ${i}`,
        direction: 'inbound',
      });
    }
    const all = await collect();
    assert.equal(all.length, 150);
    assert.equal(all[0]!.providerMessageId, 'c149', 'oldest first');
    assert.deepEqual(
      rig.genesys.bulkCalls('conv-1').map((c) => (JSON.parse(c.body) as string[]).length),
      [100, 50],
    );
  });

  test('files only in the read (no normalized content) are taken from its media', async () => {
    rig = await providerRig();
    rig.genesys.conversation('conv-1');
    rig.genesys.addAgent('conv-1', { id: 'a1', state: 'connected' });
    rig.genesys.message('conv-1', 'a1', { id: 'm1', time: t(1), originatingEntity: 'Human' });
    rig.genesys.participant('conv-1', 'a1').messages[0]!.media = [
      { url: 'https://dl.example/v.mp4', mediaType: 'video/mp4', name: 'v.mp4', contentLengthBytes: 10 },
    ];
    const [m] = await collect();
    assert.deepEqual(m!.attachments, [
      {
        url: 'https://dl.example/v.mp4',
        mediaType: 'video',
        mime: 'video/mp4',
        filename: 'v.mp4',
        sizeBytes: 10,
      },
    ]);
  });
});

describe('participants (§5) and the shared read', () => {
  test('the customer and every agent with its state; the flow and the ACD are left out', async () => {
    await scripted();
    rig.genesys.addAgent('conv-1', { id: 'a2', state: 'alerting' });
    const participants = await rig.provider.participants(ref, signal());
    assert.deepEqual(
      participants.map((p) => `${p.participant.role}:${p.participant.id}:${p.state}`),
      ['customer:cust-conv-1:connected', 'agent:a0:disconnected', 'agent:a1:connected', 'agent:a2:alerting'],
    );
    assert.equal(participants[2]!.participant.displayName, 'Alice Agent');
  });

  test('a catch-up (participants then history) costs one read; after our own send the next look reads again', async () => {
    await scripted();
    await rig.provider.participants(ref, signal());
    await collect();
    assert.equal(rig.genesys.reads('conv-1').length, 1);
    rig.genesys.conversationOf.set('hg-h-1', 'conv-1');
    await rig.provider.send(ref, { id: 'l1', text: 'hello', kind: 'text', at: t(9) }, signal());
    await collect();
    assert.equal(rig.genesys.reads('conv-1').length, 2);
    // Kept for a moment only (the injected clock).
    await collect();
    assert.equal(rig.genesys.reads('conv-1').length, 2);
    await rig.time.advance(2_001);
    await collect();
    assert.equal(rig.genesys.reads('conv-1').length, 3);
  });
});
