// What one unit of work sees and changes of one handover: the stored state (loaded once), the
// lifecycle inputs applied to it in order, the lines and marks to add — all turned into ONE change
// set at the end (state + transcript + events + outbox + provider link). Pure: no I/O, no clock of
// its own (the unit passes `now`), so the rules of a commit are unit-testable on plain data.
import type { Attachment } from '../model/attachment.ts';
import { isTerminal, type Handover } from '../model/handover.ts';
import type { HandoverEvent, PendingEvent, UndeliveredMessage } from '../model/events.ts';
import type { TranscriptEntry } from '../model/transcript.ts';
import type { LifecycleInput } from '../lifecycle/inputs.ts';
import { transition, type Transition } from '../lifecycle/state-machine.ts';
import type { IdGenerator } from '../ports/clock.ts';
import type { ProviderRef } from '../ports/provider.ts';
import type { ChangeSet, HandoverRecord, ProviderLink } from '../ports/store/index.ts';

/** A handover as the engine keeps it in memory while it is live: the stored record plus its send queue. */
export interface LiveState {
  readonly record: HandoverRecord;
  /** Outbound lines not yet sent, in send order. */
  readonly pending: readonly TranscriptEntry[];
  /** The highest outbound order used so far (new lines continue from it). */
  readonly lastOrder: number;
}

export interface BuiltChange {
  readonly change: ChangeSet;
  /** The events of the change, materialised (ids, seq, time). */
  readonly events: readonly HandoverEvent[];
  /** The live state once the change is committed. */
  readonly next: LiveState;
  /** Outbound lines this change added (the sender has work). */
  readonly appendedOutbound: number;
}

export class HandoverDraft {
  readonly base: LiveState;
  readonly #now: string;
  readonly #ids: IdGenerator;
  #handover: Handover;
  // What the unit adds, each made when first needed: most units add one or two kinds of thing, some
  // none (a confirmation that an echo beat), and a draft is made for every unit (issue 12: garbage
  // per message on the relay paths).
  #events: PendingEvent[] | undefined;
  #lines: TranscriptEntry[] | undefined;
  #sent: Map<string, string> | undefined;
  #attempted: Map<string, string> | undefined;
  /** The base's send queue until this unit changes it; then a copy of its own (#ownPending). */
  #pending: readonly TranscriptEntry[];
  #pendingOwned = false;
  #lastOrder: number;
  #ref: ProviderRef | undefined;
  #cursor: string | undefined;
  #appended = 0;

  constructor(base: LiveState, ctx: { readonly now: string; readonly ids: IdGenerator }) {
    this.base = base;
    this.#now = ctx.now;
    this.#ids = ctx.ids;
    this.#handover = base.record.handover;
    this.#pending = base.pending;
    this.#lastOrder = base.lastOrder;
  }

  /** The send queue, as a copy this draft may change (the base's stays as it was). */
  #ownPending(): TranscriptEntry[] {
    if (!this.#pendingOwned) {
      this.#pending = [...this.#pending];
      this.#pendingOwned = true;
    }
    return this.#pending as TranscriptEntry[];
  }

  get id(): string {
    return this.base.record.handover.id;
  }

  /** The handover with every input applied so far. */
  get handover(): Handover {
    return this.#handover;
  }

  get provider(): ProviderLink | undefined {
    const stored = this.base.record.provider;
    const ref = this.#ref ?? stored?.ref;
    if (!ref) return undefined;
    const cursor = this.#cursor ?? stored?.cursor;
    return cursor === undefined ? { ref } : { ref, cursor };
  }

  get pending(): readonly TranscriptEntry[] {
    return this.#pending;
  }

  get now(): string {
    return this.#now;
  }

  /** Runs the state machine; an echo of our own message confirms the send it belongs to. */
  apply(input: LifecycleInput): Transition {
    const t = transition(this.#handover, input);
    this.#handover = t.handover;
    if (t.events.length) (this.#events ??= []).push(...t.events);
    for (const draft of t.transcript)
      (this.#lines ??= []).push({ ...draft, id: this.#ids.next(), handoverId: this.id });
    if (t.ownEcho) this.confirmEcho(t.ownEcho.providerMessageId, t.ownEcho.text);
    return t;
  }

  /**
   * Our own message, seen at the provider (live echo or history). Sends go out one at a time in
   * order, so an echo not yet claimed by a line belongs to the head of the queue — if its text is
   * the head's (the caller has checked that no stored line claims this provider id already).
   */
  confirmEcho(providerMessageId: string, text: string): boolean {
    const head = this.#echoedHead(text);
    return head ? this.markSent(head.id, providerMessageId) : false;
  }

  /** Whether an echo with this text would confirm a line (the head of the send queue). */
  echoMatches(text: string): boolean {
    return this.#echoedHead(text) !== undefined;
  }

  #echoedHead(text: string): TranscriptEntry | undefined {
    const head = this.#pending[0];
    return head?.text === text ? head : undefined;
  }

  /** New outbound lines (customer messages, notices, the bot transcript) at the end of the send queue. */
  appendOutbound(
    texts: readonly string[],
    kind: 'message' | 'notice',
    extra: {
      readonly senderName?: string;
      readonly clientMessageId?: string;
      /** The trace context of the bot's request (each part's send continues it). */
      readonly traceParent?: string | undefined;
      /** Go with the last part (the text's parts come first, then the files). */
      readonly attachments?: readonly Attachment[];
    } = {},
  ): TranscriptEntry[] {
    const lines: TranscriptEntry[] = texts.map((text, i) => ({
      id: this.#ids.next(),
      handoverId: this.id,
      role: kind === 'message' ? 'customer' : 'system',
      text,
      at: this.#now,
      ...(extra.senderName === undefined ? {} : { senderName: extra.senderName }),
      outbound: { status: 'pending', order: ++this.#lastOrder, kind },
      ...(extra.clientMessageId === undefined ? {} : { clientMessageId: extra.clientMessageId }),
      ...(extra.traceParent === undefined ? {} : { traceParent: extra.traceParent }),
      ...(extra.attachments?.length && i === texts.length - 1 ? { attachments: extra.attachments } : {}),
    }));
    if (lines.length === 0) return lines;
    (this.#lines ??= []).push(...lines);
    this.#ownPending().push(...lines);
    this.#appended += lines.length;
    return lines;
  }

  /** Confirms a pending line as sent. False when it is no longer pending (confirmed already, or given up). */
  markSent(entryId: string, providerMessageId: string): boolean {
    const index = this.#pending.findIndex((l) => l.id === entryId);
    if (index < 0) return false;
    this.#ownPending().splice(index, 1);
    (this.#sent ??= new Map()).set(entryId, providerMessageId);
    return true;
  }

  /** Whether this draft confirmed the send of this line. */
  confirmed(entryId: string): boolean {
    return this.#sent?.has(entryId) === true;
  }

  /** A send of this pending line starts now (persisted before the call: see TranscriptEntry). */
  markAttempt(entryId: string): void {
    const index = this.#pending.findIndex((l) => l.id === entryId);
    const line = this.#pending[index];
    if (!line?.outbound) return;
    this.#ownPending()[index] = { ...line, outbound: { ...line.outbound, attemptedAt: this.#now } };
    (this.#attempted ??= new Map()).set(entryId, this.#now);
  }

  linkProvider(ref: ProviderRef): void {
    this.#ref = ref;
  }

  /** The newest provider message read in provider order. Only ever moved forward by the caller. */
  moveCursor(providerMessageId: string): void {
    this.#cursor = providerMessageId;
  }

  /** The change to commit, or undefined when the unit changed nothing. */
  build(webhook: boolean): BuiltChange | undefined {
    const base = this.base.record.handover;
    const becameTerminal = !isTerminal(base.state) && isTerminal(this.#handover.state);
    const undelivered = becameTerminal ? this.#pending : [];
    const events = this.#materialise(base, undelivered);
    const changed =
      this.#handover !== base ||
      events.length > 0 ||
      this.#lines !== undefined ||
      this.#sent !== undefined ||
      this.#attempted !== undefined ||
      undelivered.length > 0 ||
      this.#ref !== undefined ||
      this.#cursor !== undefined;
    if (!changed) return undefined;
    const handover: Handover = {
      ...this.#handover,
      lastSeq: base.lastSeq + events.length,
      updatedAt: this.#now,
      version: base.version + 1,
      ...(becameTerminal ? { endedAt: this.#now } : {}),
    };
    const provider = this.#ref !== undefined || this.#cursor !== undefined;
    const change: ChangeSet = {
      handover,
      expectedVersion: base.version,
      webhook,
      ...(events.length ? { events } : {}),
      ...(this.#lines ? { transcript: this.#lines } : {}),
      ...(this.#sent
        ? { sent: [...this.#sent].map(([entryId, providerMessageId]) => ({ entryId, providerMessageId })) }
        : {}),
      ...(undelivered.length ? { undelivered: undelivered.map((l) => l.id) } : {}),
      ...(this.#attempted
        ? { attempted: [...this.#attempted].map(([entryId, at]) => ({ entryId, at })) }
        : {}),
      ...(provider
        ? {
            provider: {
              ...(this.#ref === undefined ? {} : { ref: this.#ref }),
              ...(this.#cursor === undefined ? {} : { cursor: this.#cursor }),
            },
          }
        : {}),
    };
    const link = this.provider;
    return {
      change,
      events,
      next: {
        record: { handover, ...(link ? { provider: link } : {}) },
        pending: becameTerminal ? [] : this.#pending,
        lastOrder: this.#lastOrder,
      },
      appendedOutbound: this.#appended,
    };
  }

  /**
   * Gives each event its stable id, its per-handover seq and a time. The handover's last event
   * (ended/failed) lists the customer's messages that will never reach the agent.
   */
  #materialise(base: Handover, undelivered: readonly TranscriptEntry[]): HandoverEvent[] {
    const lost: UndeliveredMessage[] = undelivered
      .filter((l) => l.outbound?.kind === 'message')
      .map((l) => ({
        id: l.id,
        order: l.outbound?.order ?? 0,
        ...(l.clientMessageId === undefined ? {} : { clientMessageId: l.clientMessageId }),
        text: l.text,
      }));
    if (!this.#events) return [];
    return this.#events.map((p, i) => {
      const pending =
        lost.length && (p.type === 'handover.ended' || p.type === 'handover.failed')
          ? ({ ...p, data: { ...p.data, undelivered: lost } } as PendingEvent)
          : p;
      return {
        ...pending,
        id: this.#ids.next(),
        handoverId: base.id,
        endpointId: base.endpointId,
        userId: base.customer.userId,
        sessionId: base.customer.sessionId,
        seq: base.lastSeq + i + 1,
        occurredAt: this.#now,
      };
    });
  }
}
