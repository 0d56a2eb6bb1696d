// The messages of an Open Messaging conversation (OM doc §5): a conversation read lists message ids
// per participant; these routes give what is behind them as SDK `MessageData` —
// `POST …/messages/bulk` (a JSON array of ids, at most 1,000; `TextMessageListing` back) and
// `GET …/messages/{messageId}`.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { findMember, type ChatMessage, type Conversation } from '../model.ts';
import { isListedMessage } from '../open-messaging/conversation-view.ts';
import { messageDataView } from '../open-messaging/message-data-view.ts';
import { platformErrors } from '../platform/errors.ts';

const PATH = '/api/v2/conversations/messages/:conversationId/messages';

/** SDK `postConversationsMessageMessagesBulk`: "The max messages you can request in the body is 1,000." */
const MAX_BULK_MESSAGE_IDS = 1000;

type ConversationParams = { Params: { conversationId: string } };
type MessageParams = { Params: { conversationId: string; messageId: string } };

export function registerMessageDataRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const load = (id: string): Conversation => {
    const conversation = ctx.store.get(id);
    if (conversation?.kind !== 'open-messaging') throw platformErrors.notFound('Conversation', id);
    return conversation;
  };
  const view = (conversation: Conversation, message: ChatMessage): Record<string, unknown> | undefined => {
    const sender = findMember(conversation, message.senderId);
    if (sender === undefined || !isListedMessage(message)) return undefined;
    const integration =
      conversation.integrationId === undefined ? undefined : ctx.integrations.get(conversation.integrationId);
    return messageDataView(conversation, message, sender, { integration });
  };

  // Ids the conversation does not have (or joins/leaves, which are no messages) are left out of the
  // answer [U: what Genesys does with them is not documented].
  app.post<ConversationParams>(`${PATH}/bulk`, (request) => {
    const conversation = load(request.params.conversationId);
    const ids = parseMessageIds(request.body);
    const byId = new Map(conversation.messages.map((m) => [m.id, m]));
    const entities = ids.flatMap((id) => {
      const message = byId.get(id);
      const data = message === undefined ? undefined : view(conversation, message);
      return data === undefined ? [] : [data];
    });
    return { entities };
  });

  app.get<MessageParams>(`${PATH}/:messageId`, (request) => {
    const conversation = load(request.params.conversationId);
    const message = conversation.messages.find((m) => m.id === request.params.messageId);
    const data = message === undefined ? undefined : view(conversation, message);
    if (data === undefined) throw platformErrors.notFound('Message', request.params.messageId);
    return data;
  });
}

/** The bulk body: a JSON array of message ids (SDK `opts.body: Array<string>`). */
function parseMessageIds(body: unknown): string[] {
  if (body === undefined)
    throw platformErrors.invalidField('body', 'a JSON array of message ids is required');
  if (!Array.isArray(body)) throw platformErrors.malformed();
  if (body.length > MAX_BULK_MESSAGE_IDS)
    throw platformErrors.invalidField('body', `at most ${MAX_BULK_MESSAGE_IDS} message ids`);
  return body.map((id: unknown, i) => {
    if (typeof id !== 'string' || id === '') throw platformErrors.invalidField(`body[${i}]`, 'a message id');
    return id;
  });
}
