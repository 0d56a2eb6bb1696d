// SDK `MessageData` of an Open Messaging message (OM doc §5; `postConversationsMessageMessagesBulk`
// and `getConversationsMessageMessage`): the text and files behind the ids that a conversation read
// lists per participant. `direction` and `status` are lower case here (SDK MessageData), while the
// embedded `normalizedMessage` uses the channel's spelling (`Inbound`/`Outbound`, §4.1) with
// `originatingEntity` Human (agent) or Bot (the flow's Send Response, §6).
import { customerOf, type ChatMessage, type Conversation, type Member } from '../model.ts';
import { userIdOfAgent } from '../platform/ids.ts';
import { messageConversationPath, messageStatus } from './conversation-view.ts';
import { attachmentContent, outboundChannel } from './normalized.ts';

export interface MessageDataContext {
  /** The conversation's integration as it is now (its name is the outbound `from.nickname`, §4.1). */
  readonly integration: { readonly id: string; readonly name: string } | undefined;
}

export function messageDataView(
  conversation: Conversation,
  message: ChatMessage,
  sender: Member,
  ctx: MessageDataContext,
): Record<string, unknown> {
  const customer = customerOf(conversation);
  const address = customer.address ?? customer.id;
  const integration = ctx.integration ?? { id: conversation.integrationId ?? '', name: '' };
  const inbound = sender.role === 'CUSTOMER';
  const attachments = message.attachments ?? [];
  const channel = inbound
    ? {
        id: integration.id,
        platform: 'Open',
        type: 'Private',
        to: { id: integration.id },
        from: {
          id: address,
          ...(customer.displayName !== undefined ? { nickname: customer.displayName } : {}),
        },
        time: message.timestamp,
      }
    : outboundChannel(integration, address, message.id, message.timestamp);
  const delivery = message.delivery;
  return {
    id: message.id,
    timestamp: message.timestamp,
    fromAddress: inbound ? address : integration.id,
    toAddress: inbound ? integration.id : address,
    direction: inbound ? 'inbound' : 'outbound',
    // Open Messaging's messenger type is not in the SDK's enum (sms, facebook, …) [I].
    messengerType: 'open',
    // Deprecated in favour of normalizedMessage.text, still sent by Genesys.
    textBody: message.body,
    status: messageStatus(sender, message),
    normalizedMessage: {
      id: message.id,
      channel,
      type: 'Text',
      ...(message.body !== '' ? { text: message.body } : {}),
      ...(attachments.length > 0 ? { content: attachmentContent(attachments) } : {}),
      ...(inbound ? {} : { originatingEntity: sender.role === 'AGENT' ? 'Human' : 'Bot' }),
      direction: inbound ? 'Inbound' : 'Outbound',
    },
    ...(delivery !== undefined
      ? {
          normalizedReceipts: [
            {
              id: message.id,
              channel: outboundChannel(integration, address, message.id, delivery.time),
              type: 'Receipt',
              status: delivery.status,
              ...(delivery.reasons !== undefined ? { reasons: delivery.reasons } : {}),
              isFinalReceipt: true,
              direction: 'Outbound',
            },
          ],
        }
      : {}),
    ...(sender.role === 'AGENT' && sender.agentKey !== undefined
      ? {
          createdBy: {
            id: userIdOfAgent(sender.agentKey),
            ...(sender.displayName !== undefined ? { name: sender.displayName } : {}),
            selfUri: `/api/v2/users/${userIdOfAgent(sender.agentKey)}`,
          },
        }
      : {}),
    conversationId: conversation.id,
    selfUri: `${messageConversationPath(conversation.id)}/messages/${message.id}`,
  };
}
