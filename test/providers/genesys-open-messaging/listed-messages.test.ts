// What a conversation read lists (§5), derived once per read: in time order, each id once, a
// message without a readable time last; `listsAll` answers from the same listing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  listMessages,
  listsAll,
} from '../../../src/providers/genesys-open-messaging/adapter/listed-messages.ts';
import {
  MessageConversationSchema,
  type MessageConversation,
} from '../../../src/providers/genesys-open-messaging/wire/conversation.ts';

function read(): MessageConversation {
  return MessageConversationSchema.parse({
    id: 'conv-1',
    participants: [
      {
        id: 'p-customer',
        purpose: 'customer',
        messages: [
          { messageId: 'c-2', messageTime: '2026-12-02T10:00:02.000Z' },
          { messageId: 'untimed' },
          { messageId: '' },
        ],
      },
      {
        id: 'p-agent',
        purpose: 'agent',
        messages: [
          { messageId: 'a-3', messageTime: '2026-12-02T10:00:03.000Z' },
          { messageId: 'a-1', messageTime: '2026-12-02T10:00:01.000Z' },
          // Listed twice (a participant seen again): once in the listing.
          { messageId: 'c-2', messageTime: '2026-12-02T10:00:02.000Z' },
        ],
      },
    ],
  });
}

test('a read lists each message once, in time order, the untimed last', () => {
  const r = read();
  assert.deepEqual(
    listMessages(r).map((m) => [m.id, m.by.id]),
    [
      ['a-1', 'p-agent'],
      ['c-2', 'p-customer'],
      ['a-3', 'p-agent'],
      ['untimed', 'p-customer'],
    ],
  );
});

test('the listing is derived once per read: asked again, the same; another read, its own', () => {
  const r = read();
  assert.equal(listMessages(r), listMessages(r));
  const other = read();
  assert.notEqual(listMessages(other), listMessages(r));
  assert.deepEqual(listMessages(other), listMessages(r));
});

test('listsAll: every id listed, or not', () => {
  const r = read();
  assert.equal(listsAll(r, []), true);
  assert.equal(listsAll(r, ['a-1', 'a-3', 'untimed']), true);
  assert.equal(listsAll(r, ['a-1', 'a-4']), false);
  assert.equal(listsAll(r, ['']), false);
});
