// The messages a conversation read lists (§5: each participant's `messages[]`, ids and times, no
// texts), once per read. A read is kept and asked again — placing each batch of pushed messages,
// checking each webhook call against it (conversation-reader.ts) — and it lists every message of
// the chat: walked, time-parsed and sorted on every question, it cost the gateway CPU in proportion
// to the chat's length for each agent message (issue 12, bench/README.md round seventeen). A read
// is never changed after it is parsed, so what is derived from it is kept with it.
import type { MessageConversation, MessageDetails } from '../wire/conversation.ts';
import type { GenesysParticipant } from './participants.ts';

export interface Listed {
  readonly id: string;
  readonly timeMs: number;
  readonly time: string | undefined;
  readonly by: GenesysParticipant;
  readonly details: MessageDetails;
}

interface Derived {
  readonly listed: readonly Listed[];
  readonly ids: ReadonlySet<string>;
}

const derived = new WeakMap<MessageConversation, Derived>();

/** Every listed message once, in time order (a stable sort: ties keep the read's order). */
export function listMessages(read: MessageConversation): readonly Listed[] {
  return derive(read).listed;
}

/** Whether the read lists every one of these message ids. */
export function listsAll(read: MessageConversation, messageIds: readonly string[]): boolean {
  const { ids } = derive(read);
  return messageIds.every((id) => ids.has(id));
}

function derive(read: MessageConversation): Derived {
  let d = derived.get(read);
  if (d === undefined) {
    d = list(read);
    derived.set(read, d);
  }
  return d;
}

function list(read: MessageConversation): Derived {
  const ids = new Set<string>();
  const listed: Listed[] = [];
  for (const by of read.participants) {
    for (const details of by.messages) {
      const id = details.messageId;
      if (id === undefined || id === '' || ids.has(id)) continue;
      ids.add(id);
      const timeMs = details.messageTime === undefined ? Number.NaN : Date.parse(details.messageTime);
      listed.push({ id, timeMs, time: details.messageTime, by, details });
    }
  }
  // A message without a readable time goes last: it cannot be placed, and the cursor never passes it.
  const key = (m: Listed): number => (Number.isFinite(m.timeMs) ? m.timeMs : Number.POSITIVE_INFINITY);
  return { listed: listed.sort((a, b) => key(a) - key(b)), ids };
}
