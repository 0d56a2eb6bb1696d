// Applies lifecycle inputs to stored handovers, one handover at a time (a keyed queue: different
// handovers in parallel, design §2). Every state change of the gateway goes through here.
import { GatewayError } from '../errors.ts';
import type { Handover } from '../model/handover.ts';
import { transition } from '../lifecycle/state-machine.ts';
import type { LifecycleInput } from '../lifecycle/inputs.ts';
import type { HandoverRecord, HandoverStore } from '../ports/store.ts';
import { VersionConflictError } from '../ports/store.ts';
import type { CommitExtras, Committer } from './committer.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { noChange } from './support.ts';

export class StateWriter {
  readonly #queue = new KeyedQueue();

  constructor(
    private readonly store: HandoverStore,
    readonly committer: Committer,
  ) {}

  /** Runs `task` after every task queued before it for the same handover. */
  run<T>(id: string, task: () => Promise<T>): Promise<T> {
    return this.#queue.run(id, task);
  }

  idle(): Promise<void> {
    return this.#queue.idle();
  }

  /** Applies an input under the handover's queue (for callers outside it). */
  apply(id: string, input: LifecycleInput): Promise<Handover | undefined> {
    return this.run(id, async () => {
      const rec = await this.store.getHandover(id);
      return rec ? this.commitInput(rec, input) : undefined;
    });
  }

  /** Commits extras (provider handle, transcript lines, sent confirmations) without a state change. */
  commitExtras(id: string, extras: CommitExtras): Promise<void> {
    return this.run(id, async () => {
      const rec = await this.store.getHandover(id);
      if (rec) await this.committer.commit(rec.handover, noChange(rec.handover), extras);
    });
  }

  /**
   * Runs the state machine and commits — inside the queue. On a version conflict (another writer,
   * e.g. a second gateway instance) it re-reads and retries.
   */
  async commitInput(rec: HandoverRecord, input: LifecycleInput): Promise<Handover | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const t = transition(rec.handover, input);
      if (t.handover === rec.handover && t.events.length === 0 && t.transcript.length === 0)
        return rec.handover;
      try {
        return await this.committer.commit(rec.handover, t);
      } catch (err) {
        if (!(err instanceof VersionConflictError)) throw err;
        const fresh = await this.store.getHandover(rec.handover.id);
        if (!fresh) return undefined;
        rec = fresh;
      }
    }
    throw new GatewayError('INTERNAL', { message: 'The handover kept changing concurrently.' });
  }
}
