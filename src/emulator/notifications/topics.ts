// The notification topics the emulator serves (OM doc §4.6):
// - conversation detail events `v2.detail.events.conversation.{conversationId}.{event}` with event
//   user.start, user.end, customer.start, customer.end, acd.start, acd.end, acw;
// - the queue topic `v2.routing.queues.{queueId}.conversations.messages` (the conversation with its
//   participants after every participant change, as pypestream used it, S6).
// Any other topic is rejected (Genesys knows many more; the emulator publishes none of them).

export const DETAIL_EVENTS = [
  'user.start',
  'user.end',
  'customer.start',
  'customer.end',
  'acd.start',
  'acd.end',
  'acw',
] as const;
export type DetailEvent = (typeof DETAIL_EVENTS)[number];

export type Topic =
  | { readonly kind: 'detail'; readonly conversationId: string; readonly event: DetailEvent }
  | { readonly kind: 'queue-messages'; readonly queueId: string };

const ID = '[A-Za-z0-9-]{1,64}';
const DETAIL = new RegExp(
  `^v2\\.detail\\.events\\.conversation\\.(${ID})\\.(${DETAIL_EVENTS.map((e) => e.replace('.', '\\.')).join('|')})$`,
);
const QUEUE = new RegExp(`^v2\\.routing\\.queues\\.(${ID})\\.conversations\\.messages$`);

export function parseTopic(topic: string): Topic | undefined {
  const detail = DETAIL.exec(topic);
  if (detail?.[1] !== undefined && detail[2] !== undefined)
    return { kind: 'detail', conversationId: detail[1], event: detail[2] as DetailEvent };
  const queue = QUEUE.exec(topic);
  if (queue?.[1] !== undefined) return { kind: 'queue-messages', queueId: queue[1] };
  return undefined;
}

export const detailTopic = (conversationId: string, event: DetailEvent): string =>
  `v2.detail.events.conversation.${conversationId}.${event}`;

export const queueMessagesTopic = (queueId: string): string =>
  `v2.routing.queues.${queueId}.conversations.messages`;
