// Reads of the transcript: everything said in a handover, both directions. Lines are written only
// through HandoverRepository.commit, together with the state change they belong to.
import type { TranscriptEntry } from '../../model/transcript.ts';

/** When one side spoke: a customer or agent line's role and time, without its text. */
export interface SpeakerTime {
  readonly role: 'customer' | 'agent';
  readonly at: string;
}

export interface TranscriptRepository {
  /** Every line, oldest first. */
  all(handoverId: string): Promise<TranscriptEntry[]>;
  /**
   * The role and time of every customer and agent line, in no particular order: when each side
   * last spoke, without reading every line's text (a restart with long chats, issue 12).
   */
  speakerTimes(handoverId: string): Promise<SpeakerTime[]>;
  /** Whether a line (inbound, or an outbound line confirmed sent) carries this provider message id. */
  hasProviderMessage(handoverId: string, providerMessageId: string): Promise<boolean>;
  /** Outbound lines created by the request with this Idempotency-Key, in send order (empty when none). */
  outboundByClientMessageId(handoverId: string, clientMessageId: string): Promise<TranscriptEntry[]>;
  /** The highest outbound order of the handover (0 when it has no outbound line yet). */
  maxOutboundOrder(handoverId: string): Promise<number>;
  /** Outbound lines not yet confirmed sent, in send order. */
  pendingOutbound(handoverId: string): Promise<TranscriptEntry[]>;
}
