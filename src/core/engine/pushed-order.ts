// The order in which messages held during a catch-up are committed after it. A message from the
// attachment is in provider order already. A pushed one is not (Open Messaging's webhook, protocol
// §4.5: at least once, in no order): it is committed only after the message it follows, as on the
// live path — the catch-up's read may be older than the push (a read reused for a moment, or one
// that lags the webhook), so "held, and not in the history just read" does not make a pushed
// message newer than everything read. Committing it anyway put an agent's message ahead of the one
// before it, which came later (a chaos run: 1…5, 7…10, 6).
import type { ProviderEvent } from '../ports/provider.ts';

type MessageEvent = Extract<ProviderEvent, { type: 'message' }>;

export interface HeldMessage {
  readonly event: MessageEvent;
  readonly pushed: boolean;
}

export interface PushedOrderDeps {
  /** The provider's word on what these pushed messages follow (`ProviderWebhook.place`), if it has one. */
  readonly place: ((ids: readonly string[]) => Promise<ReadonlyMap<string, string>>) | undefined;
  /** The message is committed (or the cursor is on it). */
  readonly has: (providerMessageId: string) => Promise<boolean>;
}

/**
 * The held messages in the order to commit them — each pushed one after the message it follows,
 * which is committed or comes before it here — or undefined when one follows a message that is
 * neither: the read did not list that one yet, so it must be read again. A pushed message already
 * committed (the history just read had it) is left out. Rejects when placing fails.
 */
export async function inPushedOrder(
  held: readonly HeldMessage[],
  deps: PushedOrderDeps,
): Promise<MessageEvent[] | undefined> {
  const known = new Map<string, boolean>();
  const has = async (id: string): Promise<boolean> => {
    let found = known.get(id);
    if (found === undefined) known.set(id, (found = await deps.has(id)));
    return found;
  };
  const pending: HeldMessage[] = [];
  for (const m of held) if (!m.pushed || !(await has(m.event.providerMessageId))) pending.push(m);
  const unplaced = pending.flatMap((m) =>
    m.pushed && m.event.follows === undefined ? [m.event.providerMessageId] : [],
  );
  const placed = unplaced.length > 0 && deps.place ? await deps.place(unplaced) : undefined;
  const follows = (m: HeldMessage): string | undefined =>
    m.pushed ? (m.event.follows ?? placed?.get(m.event.providerMessageId)) : undefined;

  // In held order, each as soon as what it follows is committed or ordered before it: a few passes
  // when the pushes were held in the wrong order (a later one's call came first).
  const ordered: MessageEvent[] = [];
  const queued = new Set<string>();
  let left = pending;
  while (left.length > 0) {
    const next: HeldMessage[] = [];
    for (const m of left) {
      const before = follows(m);
      if (before === undefined || queued.has(before) || (await has(before))) {
        ordered.push(m.event);
        queued.add(m.event.providerMessageId);
      } else next.push(m);
    }
    if (next.length === left.length) return undefined;
    left = next;
  }
  return ordered;
}
