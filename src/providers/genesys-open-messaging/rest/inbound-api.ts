// Inbound (protocol §3): the customer's messages, typing and delivery receipts, posted to
// `/api/v2/conversations/messages/{integrationId}/inbound/open/{message|event|receipt}`.
// Needs `conversation:message:receive`. The first message for a `channel.from.id` creates the
// conversation and starts the Inbound Message flow (§3.5), so it should carry the custom
// attributes (§6) and ask for the conversation id (`prefetchConversationId`, §5).
import type { Clock } from '../../../core/ports/clock.ts';
import {
  InboundEventRequestSchema,
  InboundEventResponseSchema,
  InboundMessageRequestSchema,
  InboundMessageResponseSchema,
  InboundReceiptRequestSchema,
  InboundReceiptResponseSchema,
  type IdType,
  type InboundAttachment,
  type InboundReceiptStatus,
  type ReceiptReasonCode,
} from '../wire/inbound.ts';
import type { ApiTransport } from './api-transport.ts';
import { checkRequest, seg, wireTime, type CallOptions } from './call-options.ts';

/** The customer as the agent sees them (§3.1 `channel.from`). */
export interface CustomerIdentity {
  /** Our id of the customer; one per handover session (§3.5) so a new handover never joins an old conversation. */
  readonly id: string;
  /** Default `Opaque`. */
  readonly idType?: IdType;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly nickname?: string;
  /** An http(s) URL of the customer's picture. */
  readonly imageUrl?: string;
  readonly email?: string;
}

export interface InboundMessageInput {
  readonly customer: CustomerIdentity;
  /** The text; a message needs text or at least one attachment (§3.1). */
  readonly text?: string;
  /** Attachments by URL (§3.1); Genesys fetches them. */
  readonly attachments?: readonly InboundAttachment[];
  /**
   * Our unique id of the message (`channel.messageId`). Keep it — and `time` — the same when a
   * send is retried: Genesys documents uniqueness per (messageId, time), not de-duplication (§3.5).
   */
  readonly messageId?: string;
  /** When the customer wrote it. Default: now (the client's clock). */
  readonly time?: Date;
  /** Participant data for the Architect flow (§6): a flat string map, sent on the first message. */
  readonly customAttributes?: Readonly<Record<string, string>>;
  /** Root `metadata` (§6): a flat string map, not participant data. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface SendMessageOptions extends CallOptions {
  /** Ask Genesys to answer with the conversation id (§3.1, §5). Default true. */
  readonly prefetchConversationId?: boolean;
}

export interface SentInboundMessage {
  /** Genesys' id of the message, when it gave one. */
  readonly genesysMessageId: string | undefined;
  /**
   * The Genesys conversation id (§5 option 1). May be absent when not prefetched ([U] §3.1):
   * then the root `conversationId` of the next webhook call is the fallback (§5 option 2).
   */
  readonly conversationId: string | undefined;
}

export interface InboundReceiptInput {
  /** Genesys' id of the agent message this receipt is about (webhook `id`, §4.1). */
  readonly messageId: string;
  /** The customer (`channel.to.id` of that webhook call). */
  readonly customerId: string;
  /** §3.3: only Delivered and Failed are accepted. */
  readonly status: InboundReceiptStatus;
  /** Why it failed (Failed only); reason texts must not quote the message. */
  readonly reasons?: readonly { readonly code?: ReceiptReasonCode; readonly message: string }[];
  readonly isFinalReceipt?: boolean;
  /** Default: now. */
  readonly time?: Date;
}

export interface InboundApiOptions {
  readonly transport: ApiTransport;
  /** The Open Messaging integration (§2). */
  readonly integrationId: string;
  readonly clock: Clock;
}

export class InboundApi {
  readonly #transport: ApiTransport;
  readonly #base: string;
  readonly #clock: Clock;

  constructor(options: InboundApiOptions) {
    this.#transport = options.transport;
    this.#base = `/api/v2/conversations/messages/${seg(options.integrationId)}/inbound/open`;
    this.#clock = options.clock;
  }

  /** §3.1 — a customer message (text and/or attachments). */
  async sendMessage(input: InboundMessageInput, options: SendMessageOptions): Promise<SentInboundMessage> {
    const { prefetchConversationId = true, ...call } = options;
    const customAttributes = input.customAttributes;
    const body = checkRequest('sendInboundMessage', InboundMessageRequestSchema, {
      channel: {
        from: fromRecipient(input.customer),
        time: wireTime(input.time ?? this.#clock.now()),
        ...(input.messageId === undefined ? {} : { messageId: input.messageId }),
        ...(customAttributes === undefined ? {} : { metadata: { customAttributes } }),
      },
      ...(input.text === undefined ? {} : { text: input.text }),
      ...(input.attachments === undefined || input.attachments.length === 0
        ? {}
        : { content: input.attachments.map((attachment) => ({ contentType: 'Attachment', attachment })) }),
      ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
    });
    const res = await this.#transport.call({
      operation: 'sendInboundMessage',
      method: 'POST',
      path: `${this.#base}/message`,
      query: { prefetchConversationId: prefetchConversationId ? true : undefined },
      body: { json: body },
      schema: InboundMessageResponseSchema,
      secrets: input.text === undefined ? [] : [input.text],
      ...call,
    });
    return { genesysMessageId: res.id, conversationId: res.conversationId };
  }

  /** §3.2 — "the customer is typing" (the only inbound event type). */
  async sendTyping(
    customer: CustomerIdentity,
    options: CallOptions & { readonly time?: Date },
  ): Promise<void> {
    const { time, ...call } = options;
    const body = checkRequest('sendInboundTyping', InboundEventRequestSchema, {
      channel: { from: fromRecipient(customer), time: wireTime(time ?? this.#clock.now()) },
      events: [{ eventType: 'Typing' }],
    });
    await this.#transport.call({
      operation: 'sendInboundTyping',
      method: 'POST',
      path: `${this.#base}/event`,
      body: { json: body },
      schema: InboundEventResponseSchema,
      ...call,
    });
  }

  /** §3.3 — tells the agent whether their message reached the customer. */
  async sendReceipt(input: InboundReceiptInput, options: CallOptions): Promise<void> {
    const body = checkRequest('sendInboundReceipt', InboundReceiptRequestSchema, {
      id: input.messageId,
      channel: { to: { id: input.customerId }, time: wireTime(input.time ?? this.#clock.now()) },
      status: input.status,
      ...(input.reasons === undefined ? {} : { reasons: input.reasons }),
      ...(input.isFinalReceipt === undefined ? {} : { isFinalReceipt: input.isFinalReceipt }),
    });
    await this.#transport.call({
      operation: 'sendInboundReceipt',
      method: 'POST',
      path: `${this.#base}/receipt`,
      body: { json: body },
      schema: InboundReceiptResponseSchema,
      ...options,
    });
  }
}

function fromRecipient(c: CustomerIdentity): Record<string, string> {
  const from: Record<string, string> = { id: c.id, idType: c.idType ?? 'Opaque' };
  if (c.firstName !== undefined) from.firstName = c.firstName;
  if (c.lastName !== undefined) from.lastName = c.lastName;
  if (c.nickname !== undefined) from.nickname = c.nickname;
  if (c.imageUrl !== undefined) from.image = c.imageUrl;
  if (c.email !== undefined) from.email = c.email;
  return from;
}
