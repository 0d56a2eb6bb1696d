// The transcript: everything said in a handover, both directions, with sender role and time.
import type { Attachment } from './attachment.ts';

export const SenderRoles = ['bot', 'customer', 'agent', 'system'] as const;
export type SenderRole = (typeof SenderRoles)[number];

/**
 * Delivery state of a customer message on its way to the agent. `undelivered`: the handover ended
 * before the message could reach the agent (the bot was told in `handover.ended`/`handover.failed`).
 */
export type OutboundStatus = 'pending' | 'sent' | 'undelivered';

export interface TranscriptEntry {
  readonly id: string;
  readonly handoverId: string;
  readonly role: SenderRole;
  /** May be empty when the line carries only attachments. */
  readonly text: string;
  readonly at: string;
  /** Files sent with the line, by URL. */
  readonly attachments?: readonly Attachment[];
  /** Display name of the sender where known (agent name, customer name). */
  readonly senderName?: string;
  /** The provider's message id, for de-duplication of inbound messages and reconciliation of outbound ones. */
  readonly providerMessageId?: string;
  /**
   * The trace context (a W3C `traceparent`) of the bot's request that created this outbound line:
   * its send to the provider continues that trace (tracing on). Never returned by the API.
   */
  readonly traceParent?: string;
  /** The bot's Idempotency-Key of the request that created this (outbound) line: a retried request finds it. */
  readonly clientMessageId?: string;
  /** Only on customer/bot messages sent to the agent. */
  readonly outbound?: {
    readonly status: OutboundStatus;
    /** Order of outbound parts within the handover (1, 2, 3 …): the sender sends strictly in this order. */
    readonly order: number;
    /** 'transcript' entries are the bot conversation replayed for the agent at start. */
    readonly kind: 'message' | 'transcript' | 'notice';
    /**
     * When a send of this line last started (persisted before the call). After a restart, a send
     * started less than the provider's `sendSettleMs` ago may still land: it is waited for and looked
     * for in the history before the line is sent again.
     */
    readonly attemptedAt?: string;
  };
}
