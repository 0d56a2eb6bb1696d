// Conversation reads (`GET /api/v2/conversations/messages/{id}`, §5), kept for a moment. Every
// handover shares the per-token limit of 300 calls a minute (§1.4), and a catch-up asks for the
// participants and then the history back to back: both are answered from one read. Reads that must
// see something that just happened (a notification, §4.6: "read the conversation, it is the truth")
// are always new, and refresh what is kept. Time is the injected clock's.
//
// A read is kept only when it began after what is kept began (a slow older read never replaces a
// newer one), and `forget` — called around our own sends — makes every read that began before it
// unusable, so a history look right after a send never comes from a read taken before it.
// `listing` wants a read that shows some messages (pushed ones, to learn what came before each): any
// read that lists them all will do — kept, or in flight. A webhook call for a message the kept read
// does not list (`heard`) makes that read too old for `recent`: a catch-up then reads anew.
import type { Clock } from '../../../core/ports/clock.ts';
import type { ConversationsApi } from '../rest/conversations-api.ts';
import type { MessageConversation } from '../wire/conversation.ts';
import { listsAll } from './listed-messages.ts';

/** Entries are pruned by age once there are this many (reads in flight last at most a timeout). */
const PRUNE_ABOVE = 256;
const PRUNE_AGE_MS = 60_000;

interface Kept {
  /** Order in which reads began (and forgets happened). */
  readonly seq: number;
  readonly atMs: number;
  /** Undefined: forgotten. */
  readonly read: MessageConversation | undefined;
  /** A message was heard of that it does not list: not for `recent` (still for `listing`). */
  readonly older?: true;
}

export interface ConversationReaderOptions {
  readonly api: Pick<ConversationsApi, 'getConversation'>;
  readonly clock: Clock;
  /** How old a kept read may be for `recent`, ms. */
  readonly maxAgeMs: number;
  /** Every read that becomes the kept one (the provider updates what it knows of the conversation). */
  readonly onRead: (read: MessageConversation) => void;
}

export class ConversationReader {
  readonly #opts: ConversationReaderOptions;
  readonly #kept = new Map<string, Kept>();
  /** The read that began last, per conversation, while it is in flight. */
  readonly #inFlight = new Map<string, Promise<MessageConversation>>();
  #seq = 0;

  constructor(options: ConversationReaderOptions) {
    this.#opts = options;
  }

  /** A read at most `maxAgeMs` old. */
  async recent(conversationId: string, signal: AbortSignal): Promise<MessageConversation> {
    const kept = this.#kept.get(conversationId);
    if (kept?.read !== undefined && kept.older !== true && this.#now() - kept.atMs <= this.#opts.maxAgeMs)
      return kept.read;
    return this.fresh(conversationId, signal);
  }

  /** A read that begins now. */
  async fresh(conversationId: string, signal: AbortSignal): Promise<MessageConversation> {
    const seq = ++this.#seq;
    const atMs = this.#now();
    const reading = this.#opts.api.getConversation(conversationId, { signal });
    this.#inFlight.set(conversationId, reading);
    let read: MessageConversation;
    try {
      read = await reading;
    } finally {
      if (this.#inFlight.get(conversationId) === reading) this.#inFlight.delete(conversationId);
    }
    const kept = this.#kept.get(conversationId);
    if (kept === undefined || kept.seq < seq) {
      this.#keep(conversationId, { seq, atMs, read });
      this.#opts.onRead(read);
    }
    return read;
  }

  /**
   * A read that lists the messages: the kept one or the one in flight when it does, else a new one
   * (which may still not list them all when Genesys' read lags its webhook).
   */
  async listing(
    conversationId: string,
    messageIds: readonly string[],
    signal: AbortSignal,
  ): Promise<MessageConversation> {
    const kept = this.#kept.get(conversationId)?.read;
    if (kept !== undefined && listsAll(kept, messageIds)) return kept;
    const inFlight = this.#inFlight.get(conversationId);
    if (inFlight !== undefined) {
      const read = await inFlight.catch(() => undefined);
      if (read !== undefined && listsAll(read, messageIds)) return read;
    }
    return this.fresh(conversationId, signal);
  }

  /**
   * Genesys told of this message (a webhook call): a kept read that does not list it is older than
   * it, and `recent` does not answer with it again — a catch-up that holds the message must not read
   * a history without it (core/engine/pushed-order.ts).
   */
  heard(conversationId: string, messageId: string): void {
    const kept = this.#kept.get(conversationId);
    // Not `forget`: `listing` goes on using it for the messages it does list (dropping it took the
    // bench from 0.12 to 0.30 reads an agent message: calls arrive late there, and each one retired
    // the read that would have placed the ones before it), and a read in flight may well list this
    // one (we assume Genesys stores a message before it calls; §4.5 does not say).
    if (kept?.read !== undefined && kept.older !== true && !listsAll(kept.read, [messageId]))
      this.#kept.set(conversationId, { ...kept, older: true });
  }

  /** Nothing read before now is used again (our own message may be missing from it). */
  forget(conversationId: string): void {
    this.#keep(conversationId, { seq: ++this.#seq, atMs: this.#now(), read: undefined });
  }

  #keep(conversationId: string, kept: Kept): void {
    this.#kept.set(conversationId, kept);
    if (this.#kept.size <= PRUNE_ABOVE) return;
    const oldest = this.#now() - PRUNE_AGE_MS;
    for (const [id, k] of this.#kept) if (k.atMs < oldest) this.#kept.delete(id);
  }

  #now(): number {
    return this.#opts.clock.now().getTime();
  }
}
