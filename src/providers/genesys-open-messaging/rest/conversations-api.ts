// The conversation behind an Open Messaging chat (protocol §5, §6, §4.6): who takes part (read it
// after every notification — notifications are hints, this read is the truth), ending it from the
// bot side (there is no OM "disconnect" event, §5: disconnect the customer participant),
// participant data written after the first message, and the texts of the messages the read lists
// (the read gives ids, times and files per participant; the bulk call gives the texts).
import { OpenMessagingRequestError, OpenMessagingResponseError } from '../errors.ts';
import {
  MessageConversationSchema,
  ParticipantAttributesSchema,
  type MessageConversation,
  type Participant,
  type ParticipantAttributes,
} from '../wire/conversation.ts';
import { MAX_BULK_MESSAGE_IDS, TextMessageListingSchema, type MessageData } from '../wire/message-data.ts';
import type { ApiTransport } from './api-transport.ts';
import { seg, type CallOptions } from './call-options.ts';

export type DisconnectCustomerResult =
  /** The PATCH was sent for this participant. */
  | { readonly outcome: 'disconnected'; readonly participantId: string }
  /** The customer had already left (or the conversation had ended): nothing to do. */
  | { readonly outcome: 'already-disconnected'; readonly participantId: string };

/** Participant states after which nothing is left to disconnect. */
const GONE_STATES: ReadonlySet<string> = new Set(['disconnected', 'terminated']);

export class ConversationsApi {
  readonly #transport: ApiTransport;

  constructor(transport: ApiTransport) {
    this.#transport = transport;
  }

  /** `GET /api/v2/conversations/messages/{id}` (§5). */
  getConversation(conversationId: string, options: CallOptions): Promise<MessageConversation> {
    return this.#transport.call({
      operation: 'getConversation',
      method: 'GET',
      path: conversationPath(conversationId),
      schema: MessageConversationSchema,
      ...options,
    });
  }

  /**
   * `POST …/{conversationId}/messages/bulk` with a JSON array of message ids (SDK
   * `postConversationsMessageMessagesBulk`: at most 1,000 ids; "best practice is to limit to only the
   * messages you need"). Answers the `MessageData` Genesys found, texts included: the texts are never
   * put into an error. No ids → no call.
   */
  async getMessages(
    conversationId: string,
    messageIds: readonly string[],
    options: CallOptions,
  ): Promise<MessageData[]> {
    if (messageIds.length === 0) return [];
    if (messageIds.length > MAX_BULK_MESSAGE_IDS || messageIds.some((id) => id === '')) {
      throw new OpenMessagingRequestError('getMessages', [
        `(root): 1..${MAX_BULK_MESSAGE_IDS} non-empty message ids`,
      ]);
    }
    const listing = await this.#transport.call({
      operation: 'getMessages',
      method: 'POST',
      path: `${conversationPath(conversationId)}/messages/bulk`,
      body: { json: messageIds },
      schema: TextMessageListingSchema,
      ...options,
    });
    return listing.entities;
  }

  /**
   * `PATCH …/participants/{participantId}` `{"state":"disconnected"}` (§5; needs
   * `conversation:communication:disconnect` or a sibling permission). 2xx with an empty body.
   */
  async disconnectParticipant(
    conversationId: string,
    participantId: string,
    options: CallOptions,
  ): Promise<void> {
    await this.#transport.call({
      operation: 'disconnectParticipant',
      method: 'PATCH',
      path: `${conversationPath(conversationId)}/participants/${seg(participantId)}`,
      body: { json: { state: 'disconnected' } },
      schema: undefined,
      ...options,
    });
  }

  /** `PATCH …/participants/{participantId}/attributes` `{"attributes":{…}}` (§6). */
  updateParticipantAttributes(
    conversationId: string,
    participantId: string,
    attributes: Readonly<Record<string, string>>,
    options: CallOptions,
  ): Promise<ParticipantAttributes> {
    return this.#transport.call({
      operation: 'updateParticipantAttributes',
      method: 'PATCH',
      path: `${conversationPath(conversationId)}/participants/${seg(participantId)}/attributes`,
      body: { json: { attributes } },
      schema: ParticipantAttributesSchema,
      ...options,
    });
  }

  /**
   * Ends the chat from the bot side (§5): read the conversation, find the customer participant,
   * disconnect it. Genesys then ends the agent's interaction (ACW) — working-code evidence, not a
   * documented guarantee (§10 q7), so the caller should still wait for `customer.end` / a re-read.
   */
  async disconnectCustomer(conversationId: string, options: CallOptions): Promise<DisconnectCustomerResult> {
    const conversation = await this.getConversation(conversationId, options);
    const customer = findCustomer(conversation);
    if (customer === undefined) {
      throw new OpenMessagingResponseError({
        operation: 'disconnectCustomer',
        status: 200,
        issues: ['the conversation has no customer participant'],
      });
    }
    if (customer.state !== undefined && GONE_STATES.has(customer.state.toLowerCase())) {
      return { outcome: 'already-disconnected', participantId: customer.id };
    }
    await this.disconnectParticipant(conversationId, customer.id, options);
    return { outcome: 'disconnected', participantId: customer.id };
  }
}

/** The (last) customer participant; purposes are lower-case on this endpoint, compared loosely. */
export function findCustomer(conversation: MessageConversation): Participant | undefined {
  return conversation.participants.findLast((p) => p.purpose.toLowerCase() === 'customer');
}

function conversationPath(conversationId: string): string {
  return `/api/v2/conversations/messages/${seg(conversationId)}`;
}
