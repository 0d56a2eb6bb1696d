// Conversation detail topics (protocol §4.6 [V P2 notificationMappings.json]):
// `v2.detail.events.conversation.{conversationId}.{kind}`. These four tell a handover what the
// webhook cannot (§4.6): an agent started (`user.start`), an agent ended — or rejected, or was
// transferred away (`user.end`, the pitfall) —, the customer side ended (`customer.end`), wrap-up
// began (`acw`).

export const CONVERSATION_DETAIL_KINDS = ['user.start', 'user.end', 'customer.end', 'acw'] as const;
export type ConversationDetailKind = (typeof CONVERSATION_DETAIL_KINDS)[number];

const PREFIX = 'v2.detail.events.conversation.';
const TOPIC = /^v2\.detail\.events\.conversation\.([^.\s]+)\.(user\.start|user\.end|customer\.end|acw)$/;

export function conversationDetailTopic(conversationId: string, kind: ConversationDetailKind): string {
  if (conversationId === '' || /[.\s]/.test(conversationId)) {
    // A dot would change the topic's meaning; Genesys conversation ids are UUIDs.
    throw new RangeError('a conversation id must be non-empty, without dots or spaces');
  }
  return `${PREFIX}${conversationId}.${kind}`;
}

export function conversationDetailTopics(
  conversationId: string,
  kinds: readonly ConversationDetailKind[] = CONVERSATION_DETAIL_KINDS,
): string[] {
  return kinds.map((kind) => conversationDetailTopic(conversationId, kind));
}

export function parseConversationDetailTopic(
  topic: string,
): { readonly conversationId: string; readonly kind: ConversationDetailKind } | undefined {
  const m = TOPIC.exec(topic);
  if (m === null) return undefined;
  return { conversationId: m[1] ?? '', kind: m[2] as ConversationDetailKind };
}
