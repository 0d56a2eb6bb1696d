// The PushedInbox port in memory (ports/pushed-inbox.ts): the rules of
// store/postgres/postgres-inbox.ts — one entry per handover and key, stored only for a live handover
// of its endpoint, entries oldest first, arrivals heard by every listener — for unit tests of the
// relay on virtual time. `live` says which handovers are live, and of which endpoint.
import type { Unsubscribe } from '../../core/ports/notifier.ts';
import type { ProviderEvent } from '../../core/ports/provider.ts';
import type { PushedEntry, PushedInbox } from '../../core/ports/pushed-inbox.ts';

export class MemoryInbox implements PushedInbox {
  /** handover id → endpoint id, for every handover not yet ended. */
  readonly live = new Map<string, string>();
  readonly #entries: (PushedEntry & { key: string })[] = [];
  readonly #listeners = new Set<(handoverId: string) => void>();
  #ids = 0;

  /** Entries stored and not removed. */
  get size(): number {
    return this.#entries.length;
  }

  put(
    endpointId: string,
    handoverId: string,
    key: string,
    events: readonly ProviderEvent[],
  ): Promise<'stored' | 'ignored'> {
    if (this.live.get(handoverId) !== endpointId) return Promise.resolve('ignored');
    if (!this.#entries.some((e) => e.handoverId === handoverId && e.key === key)) {
      this.#ids += 1;
      this.#entries.push({
        id: String(this.#ids),
        endpointId,
        handoverId,
        key,
        events: structuredClone(events),
      });
      queueMicrotask(() => {
        for (const listener of [...this.#listeners]) listener(handoverId);
      });
    }
    return Promise.resolve('stored');
  }

  pending(handoverId: string, limit: number): Promise<PushedEntry[]> {
    return Promise.resolve(
      this.#entries
        .filter((e) => e.handoverId === handoverId)
        .slice(0, limit)
        .map(({ key: _key, ...entry }) => structuredClone(entry)),
    );
  }

  handovers(limit: number): Promise<string[]> {
    const kept = this.#entries.filter((e) => this.live.has(e.handoverId));
    this.#entries.splice(0, this.#entries.length, ...kept);
    return Promise.resolve([...new Set(this.#entries.map((e) => e.handoverId))].slice(0, limit));
  }

  remove(entryId: string): Promise<void> {
    const at = this.#entries.findIndex((e) => e.id === entryId);
    if (at >= 0) this.#entries.splice(at, 1);
    return Promise.resolve();
  }

  onArrival(listener: (handoverId: string) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
