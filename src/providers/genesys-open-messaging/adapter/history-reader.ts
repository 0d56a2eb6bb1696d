// The history of an Open Messaging conversation, oldest first (the port's `history`). A conversation
// read lists each participant's messages — id, time, files — but never a text (§5, SDK
// MessageDetails); the texts come from the bulk call (SDK `postConversationsMessageMessagesBulk`),
// asked only for the messages after the cursor and in batches, to spend few of the 300 calls a minute
// (§1.4). Who wrote is the participant the message is listed under; the customer's messages are ours
// (`own`: the core confirms its sends with them), a flow's Send Response (`originatingEntity: Bot`, §6)
// is a system message, receipts and events are not messages.
import type { Logger } from '../../../core/ports/logger.ts';
import type { HistoryMessage, Participant } from '../../../core/ports/provider.ts';
import type { ConversationsApi } from '../rest/conversations-api.ts';
import type { MessageConversation } from '../wire/conversation.ts';
import type { MessageData } from '../wire/message-data.ts';
import { fromGenesysAttachment, fromMessageMedia } from './attachments.ts';
import { listMessages, type Listed } from './listed-messages.ts';
import { isAgent, isCustomer, type GenesysParticipant } from './participants.ts';

/** Message ids per bulk call (the API takes 1,000; smaller answers keep each call quick). */
export const HISTORY_BATCH_SIZE = 100;

export interface HistoryDeps {
  readonly api: Pick<ConversationsApi, 'getMessages'>;
  readonly agent: (p: GenesysParticipant, signal: AbortSignal) => Promise<Participant>;
  readonly logger: Logger;
  /** A listed id that is no message for the core (a receipt, an event). */
  readonly notMessage?: (id: string) => void;
}

export async function* readHistory(
  deps: HistoryDeps,
  read: MessageConversation,
  after: string | undefined,
  signal: AbortSignal,
): AsyncIterable<HistoryMessage> {
  const listed = listMessages(read);
  // The cursor is a message we saw; one we cannot find any more (never ours) means "everything".
  const cursor = after === undefined ? -1 : listed.findIndex((m) => m.id === after);
  const rest = listed.slice(cursor + 1);
  for (let i = 0; i < rest.length; i += HISTORY_BATCH_SIZE) {
    const batch = rest.slice(i, i + HISTORY_BATCH_SIZE);
    const found = new Map(
      (
        await deps.api.getMessages(
          read.id,
          batch.map((m) => m.id),
          { signal },
        )
      ).map((d) => [d.id, d]),
    );
    const missing = batch.filter((m) => !found.has(m.id)).length;
    if (missing > 0) deps.logger.warn({ missing }, 'listed messages missing from the bulk answer; skipped');
    for (const m of batch) {
      const data = found.get(m.id);
      if (data === undefined) continue;
      const message = await toHistoryMessage(deps, m, data, signal);
      if (message !== undefined) yield message;
      else deps.notMessage?.(m.id);
    }
  }
}

/**
 * For each of `messageIds` the read lists, the message just before it in the conversation that is
 * not the customer's (not ours): what the bot must have heard before it. `notMessages`: listed ids a
 * history read found to be no message (a receipt, an event), skipped. An id the read does not list,
 * or that nothing precedes, is left out. One pass over the read, however many ids.
 */
export function messagesBefore(
  read: MessageConversation,
  messageIds: readonly string[],
  notMessages: ReadonlySet<string>,
): Map<string, string> {
  const wanted = new Set(messageIds);
  const before = new Map<string, string>();
  let last: string | undefined;
  for (const m of listMessages(read)) {
    if (wanted.has(m.id) && last !== undefined) before.set(m.id, last);
    if (!isCustomer(m.by) && !notMessages.has(m.id)) last = m.id;
  }
  return before;
}

const MESSAGE_TYPES: ReadonlySet<string> = new Set(['text', 'structured']);

async function toHistoryMessage(
  deps: HistoryDeps,
  m: Listed,
  data: MessageData,
  signal: AbortSignal,
): Promise<HistoryMessage | undefined> {
  const normalized = data.normalizedMessage;
  if (normalized !== undefined && !MESSAGE_TYPES.has(normalized.type.toLowerCase())) return undefined;
  const direction = (data.direction ?? normalized?.direction)?.toLowerCase();
  const own = direction === 'inbound' || (direction === undefined && isCustomer(m.by));
  const fromContent = (normalized?.content ?? []).flatMap((c) => {
    const a =
      c.attachment === undefined
        ? undefined
        : fromGenesysAttachment({ ...c.attachment, sizeBytes: c.attachment.contentSizeBytes });
    return a === undefined ? [] : [a];
  });
  const attachments =
    fromContent.length > 0
      ? fromContent
      : m.details.media.flatMap((media) => {
          const a = fromMessageMedia(media);
          return a === undefined ? [] : [a];
        });
  const participant: Participant = own
    ? { id: m.by.id, role: 'customer' }
    : isAgent(m.by) && normalized?.originatingEntity?.toLowerCase() !== 'bot'
      ? await deps.agent(m.by, signal)
      : { id: m.by.id, role: 'system', ...(m.by.name === undefined ? {} : { displayName: m.by.name }) };
  return {
    providerMessageId: data.id,
    participant,
    text: normalized?.text ?? data.textBody ?? '',
    kind: 'text',
    own,
    at: data.timestamp ?? m.time ?? new Date(0).toISOString(),
    ...(attachments.length > 0 ? { attachments } : {}),
  };
}
