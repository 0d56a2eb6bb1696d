// Typed events from the outbound webhook (protocol §4). One webhook call → one event. Webhook calls
// are at-least-once and unordered (§4.5): `dedupeKey` is the same for every redelivery.

export interface WebhookAttachment {
  readonly id: string | undefined;
  /** `Image`, `Video`, `Audio`, `File`, `Link` (kept as sent). */
  readonly mediaType: string;
  /** A download URL (`api-downloads.{env}/api/v2/downloads/…`, §4.1). */
  readonly url: string | undefined;
  readonly mime: string | undefined;
  readonly filename: string | undefined;
  readonly sizeBytes: number | undefined;
}

interface WebhookEventBase {
  /** Genesys' message id; for a receipt, the id of the message it is about (§4.1). */
  readonly id: string;
  /** Root `conversationId` (§4.1; §5 option 2 for learning it). */
  readonly conversationId: string | undefined;
  /** `channel.to.id`: our customer id (`channel.from.id` of the inbound messages). */
  readonly customerId: string;
  /** `channel.id`: the integration. */
  readonly integrationId: string | undefined;
  /** `channel.time`, as sent (ISO). */
  readonly at: string;
  /** `id`/`type`/`status` (§4.5): equal for redeliveries, different for distinct events. */
  readonly dedupeKey: string;
}

/** Who wrote an outbound message: an agent, or an Architect *Send Response* / bot (§4.1, §6). */
export type MessageOrigin = 'human' | 'bot' | 'unknown';

/** An agent's (or a flow's) message to the customer. */
export interface WebhookMessageEvent extends WebhookEventBase {
  readonly kind: 'message';
  readonly origin: MessageOrigin;
  /** Absent for attachment-only messages (§4.1). */
  readonly text: string | undefined;
  readonly attachments: readonly WebhookAttachment[];
  /** `contentType`s we do not render (QuickReply, Card, Notification, …). */
  readonly otherContent: readonly string[];
  /** `type: "Structured"` rather than `Text`. */
  readonly structured: boolean;
}

/** The agent is typing (§4.2). There is no "stopped typing": `durationMs` is a TTL. */
export interface WebhookTypingEvent extends WebhookEventBase {
  readonly kind: 'typing';
  readonly origin: MessageOrigin;
  /** `typing.duration`, ms, when given. */
  readonly durationMs: number | undefined;
  /** `Outbound` (the agent's, §4.2) as sent; anything else is not the agent typing. */
  readonly direction: string | undefined;
}

/** A delivery receipt (§4.3); accepted and usually ignored by the gateway. */
export interface WebhookReceiptEvent extends WebhookEventBase {
  readonly kind: 'receipt';
  /** `Sent`, `Delivered`, `Read`, `Failed`, `Published`, `Removed` (kept as sent). */
  readonly status: string;
  readonly reasons: readonly { readonly code: string | undefined; readonly message: string | undefined }[];
  readonly isFinalReceipt: boolean | undefined;
  readonly direction: string | undefined;
}

/** Well-formed but nothing the gateway acts on (an unknown event type, an inbound echo). */
export interface WebhookUnsupportedEvent extends WebhookEventBase {
  readonly kind: 'unsupported';
  readonly type: string;
  /** Why, e.g. `event types: Presence`. */
  readonly detail: string;
}

export type WebhookEvent =
  WebhookMessageEvent | WebhookTypingEvent | WebhookReceiptEvent | WebhookUnsupportedEvent;
