// A Store wrapper that makes writes fail on purpose — for tests, and for trying the gateway's
// behaviour against a store that refuses data (docs/reliability.md, "A provider event that cannot be
// stored"). Two faults: commits whose change matches a predicate are refused every time (a poison:
// the store cannot hold what they carry), and an outage fails every write — commits and parking —
// until it is lifted (the database is down). Reads always work.
import type { ChangeSet, Store } from '../../core/ports/store/index.ts';

/** The error of a refused write. `code` names the fault, like a driver's error code would. */
export class StoreFaultError extends Error {
  readonly code: 'POISON' | 'OUTAGE';

  constructor(code: 'POISON' | 'OUTAGE') {
    super(code === 'POISON' ? 'the store refused the change (injected)' : 'the store is down (injected)');
    this.name = 'StoreFaultError';
    this.code = code;
  }
}

export class StoreFaults {
  #poison: ((change: ChangeSet) => boolean) | undefined;
  #down = false;
  #refused = 0;

  /** Refuses every commit whose change matches, for ever (until `clear`). */
  refuseCommits(match: (change: ChangeSet) => boolean): void {
    this.#poison = match;
  }

  /** Every write fails from now until `restore`. */
  outage(): void {
    this.#down = true;
  }

  restore(): void {
    this.#down = false;
  }

  clear(): void {
    this.#poison = undefined;
    this.#down = false;
  }

  /** Writes refused so far. */
  get refused(): number {
    return this.#refused;
  }

  /** The store with these faults in front of its writes. */
  wrap(store: Store): Store {
    const refuse = (code: 'POISON' | 'OUTAGE'): Promise<never> => {
      this.#refused += 1;
      return Promise.reject(new StoreFaultError(code));
    };
    return {
      handovers: {
        get: (id) => store.handovers.get(id),
        list: (query) => store.handovers.list(query),
        listUnended: () => store.handovers.listUnended(),
        countByState: () => store.handovers.countByState(),
        create: (change) => (this.#down ? refuse('OUTAGE') : store.handovers.create(change)),
        commit: (change) => {
          if (this.#down) return refuse('OUTAGE');
          if (this.#poison?.(change)) return refuse('POISON');
          return store.handovers.commit(change);
        },
      },
      transcript: store.transcript,
      events: store.events,
      retention: store.retention,
      parked: {
        park: (event) => (this.#down ? refuse('OUTAGE') : store.parked.park(event)),
        list: (limit) => store.parked.list(limit),
      },
      migrate: () => store.migrate(),
      close: () => store.close(),
    };
  }
}
