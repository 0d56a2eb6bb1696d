// Items by the time they fall due, in slots of `slotMs`: filing, moving and removing an item are O(1)
// Map/Set operations, and taking what is due at `now` visits only the slots that have come due — so
// a check that runs every second costs O(due items), not O(items held) (issue 12: the idle sweep
// walked every live handover each second).
//
// An item is never taken early: it is taken from the first slot that starts at or after its due
// time, so up to `slotMs` late. Pure bookkeeping with injected times (the callers own the timers).

/** What the index notes on an item: the slot it is filed in (undefined: not filed). */
export interface Filed {
  slot: number | undefined;
}

export class DeadlineIndex<T extends Filed> {
  readonly #slotMs: number;
  readonly #slots = new Map<number, Set<T>>();
  /** The last slot taken; items filed later never go into it or an earlier one. */
  #taken: number | undefined;
  #size = 0;

  constructor(slotMs: number) {
    if (!(slotMs >= 1)) throw new RangeError('slotMs must be at least 1');
    this.#slotMs = slotMs;
  }

  /** Items filed. */
  get size(): number {
    return this.#size;
  }

  /** Files (or moves) an item to fall due at `dueAt` (ms). */
  file(item: T, dueAt: number): void {
    const slot = Math.max(
      Math.ceil(dueAt / this.#slotMs),
      this.#taken === undefined ? -Infinity : this.#taken + 1,
    );
    if (item.slot === slot) return;
    this.remove(item);
    let set = this.#slots.get(slot);
    if (!set) {
      set = new Set();
      this.#slots.set(slot, set);
    }
    set.add(item);
    item.slot = slot;
    this.#size++;
  }

  /** Takes an item out; a no-op when it is not filed. */
  remove(item: T): void {
    if (item.slot === undefined) return;
    const set = this.#slots.get(item.slot);
    set?.delete(item);
    if (set?.size === 0) this.#slots.delete(item.slot);
    item.slot = undefined;
    this.#size--;
  }

  /** Takes every item due at `now`, in slot order; they are no longer filed. */
  takeDue(now: number): T[] {
    const last = Math.floor(now / this.#slotMs);
    const from = this.#taken;
    if (from !== undefined && last <= from) return [];
    this.#taken = last;
    // Normally one slot has passed since the last call; after a long pause (or the first call)
    // only the slots that exist are visited, not every slot in between.
    const slots =
      from !== undefined && last - from <= this.#slots.size
        ? Array.from({ length: last - from }, (_, i) => from + 1 + i)
        : [...this.#slots.keys()].filter((s) => s <= last).sort((a, b) => a - b);
    const out: T[] = [];
    for (const slot of slots) {
      const set = this.#slots.get(slot);
      if (!set) continue;
      this.#slots.delete(slot);
      for (const item of set) {
        item.slot = undefined;
        this.#size--;
        out.push(item);
      }
    }
    return out;
  }
}
