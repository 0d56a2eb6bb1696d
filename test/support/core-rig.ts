// The core on virtual time: the real engine and service over the in-memory store and the scripted
// provider (both shipped modules), with a clock that moves only when a test says so. A whole
// handover — faults, restarts and all — runs in milliseconds, deterministically.
import type { Ownership } from '../../src/core/engine/lease-keeper.ts';
import type { OwnerNotes } from '../../src/core/ports/owner-notes.ts';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import type { EndpointPolicy } from '../../src/core/model/endpoint-policy.ts';
import type { Handover } from '../../src/core/model/handover.ts';
import type { TranscriptEntry } from '../../src/core/model/transcript.ts';
import {
  HandoverEngine,
  type EngineLimits,
  type UnendedList,
} from '../../src/core/engine/handover-engine.ts';
import { RecordingLogger } from './recording-logger.ts';
import type { Scheduler, TimerHandle } from '../../src/core/ports/scheduler.ts';
import type { Store } from '../../src/core/ports/store/index.ts';
import { HandoverService } from '../../src/core/services/handover-service.ts';
import { InProcessNotifier } from '../../src/delivery/in-process-notifier.ts';
import {
  ScriptedProvider,
  type ScriptedConversation,
} from '../../src/providers/scripted/scripted-provider.ts';
import { MemoryStore } from '../../src/store/memory/memory-store.ts';
import { VirtualTime } from '../../src/time/virtual-time.ts';

export const ENDPOINT = 'ep';

export const POLICY: EndpointPolicy = {
  id: ENDPOINT,
  queue: 'Support',
  defaults: { skills: [], customAttributes: {} },
  guestDisplayName: 'Customer',
  webhook: true,
  sessionDurationMs: 3_600_000,
  notices: {
    customerAway: 'Customer away.',
    customerBack: 'Customer back.',
    inactivity: 'Inactive {minutes} min.',
  },
};

/** Timers of one process life: a crash cancels them all and ignores new ones. */
class LifeScheduler implements Scheduler {
  readonly #time: VirtualTime;
  readonly #handles = new Set<TimerHandle>();
  #dead = false;

  constructor(time: VirtualTime) {
    this.#time = time;
  }

  after<A>(ms: number, fn: (arg: A) => void, arg?: A): TimerHandle {
    return this.#track(this.#time.after(ms, () => !this.#dead && fn(arg as A)));
  }

  every(ms: number, fn: () => void): TimerHandle {
    return this.#track(this.#time.every(ms, () => !this.#dead && fn()));
  }

  kill(): void {
    this.#dead = true;
    for (const h of this.#handles) h.cancel();
  }

  #track(handle: TimerHandle): TimerHandle {
    this.#handles.add(handle);
    return handle;
  }
}

/** The store as one process life sees it: after a crash, its writes and reads never happen. */
function lifeStore(store: Store, dead: () => boolean): Store {
  const guard = <T extends object>(part: T): T =>
    new Proxy(part, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          dead() ? new Promise(() => undefined) : (value as (...a: unknown[]) => unknown).apply(target, args);
      },
    });
  return {
    handovers: guard(store.handovers),
    transcript: guard(store.transcript),
    events: guard(store.events),
    retention: guard(store.retention),
    parked: guard(store.parked),
    migrate: () => store.migrate(),
    close: () => store.close(),
  };
}

export interface CoreRigOptions {
  readonly limits?: Partial<EngineLimits>;
  readonly policy?: Partial<EndpointPolicy>;
  /** Wraps the store the engine sees (e.g. to count calls). */
  readonly wrapStore?: (store: Store) => Store;
  readonly endWaitMs?: number;
  /** The scripted provider in push mode (agent messages and typing pushed, like Open Messaging). */
  readonly push?: { readonly reorderWindowMs: number; readonly redeliveryMs?: number };
  /** Several instances: which handovers this "instance" owns, and where notes to owners go. */
  readonly ownership?: Ownership;
  readonly ownerNotes?: OwnerNotes;
}

export class CoreRig {
  readonly time = new VirtualTime('2030-01-01T09:00:00.000Z');
  readonly store = new MemoryStore();
  readonly provider: ScriptedProvider;
  readonly notifier = new InProcessNotifier();
  /** What the engine logged, every life of it. */
  readonly logger = new RecordingLogger();
  engine!: HandoverEngine;
  service!: HandoverService;
  readonly #options: CoreRigOptions;
  #life: { scheduler: LifeScheduler; dead: boolean } | undefined;
  #ids = 0;

  private constructor(options: CoreRigOptions) {
    this.#options = options;
    this.provider = new ScriptedProvider({
      clock: this.time,
      scheduler: this.time,
      ...(options.push ? { push: options.push } : {}),
    });
  }

  static async start(options: CoreRigOptions = {}): Promise<CoreRig> {
    const rig = new CoreRig(options);
    rig.#boot();
    await rig.engine.resume();
    return rig;
  }

  /** A new handover for `userId`; resolves once its conversation exists and it is queued. */
  async startHandover(
    userId = `u${this.#ids + 1}`,
    transcript: { role: 'customer' | 'bot'; text: string }[] = [],
  ): Promise<{ id: string; conv: ScriptedConversation }> {
    const { handover } = await this.service.start({
      endpointId: ENDPOINT,
      customer: { userId, sessionId: 's', displayName: `Customer ${userId}` },
      transcript,
    });
    await this.until(async () => (await this.handover(handover.id)).state !== 'requested', 'queued');
    return { id: handover.id, conv: this.provider.conversationOf(userId) };
  }

  /** A handover with an agent connected (`active`). */
  async activeHandover(userId?: string): Promise<{ id: string; conv: ScriptedConversation }> {
    const h = await this.startHandover(userId);
    h.conv.agentJoins('Alice');
    await this.until(async () => (await this.handover(h.id)).state === 'active', 'active');
    return h;
  }

  async handover(id: string): Promise<Handover> {
    const rec = await this.store.handovers.get(id);
    if (!rec) throw new Error(`no handover ${id}`);
    return rec.handover;
  }

  /** Everything the bot was told (the event log), in seq order. */
  async events(id: string): Promise<HandoverEvent[]> {
    return this.store.events.after(id, 0, 10_000);
  }

  async types(id: string): Promise<string[]> {
    return (await this.events(id)).map((e) => e.type);
  }

  /** Texts of handover.agent_message events, in seq order. */
  async agentTexts(id: string): Promise<string[]> {
    return (await this.events(id)).flatMap((e) => (e.type === 'handover.agent_message' ? [e.data.text] : []));
  }

  async transcript(id: string): Promise<TranscriptEntry[]> {
    return this.store.transcript.all(id);
  }

  /** Lets virtual time pass (timers fire in order, promise chains settle). */
  advance(ms: number): Promise<void> {
    return this.time.advance(ms);
  }

  /** Advances virtual time until `done` holds; fails after `maxMs` of virtual time. */
  async until(done: () => boolean | Promise<boolean>, what: string, maxMs = 120_000): Promise<void> {
    const deadline = this.time.nowMs + maxMs;
    for (;;) {
      if (await done()) return;
      if (this.time.nowMs >= deadline)
        throw new Error(`not reached within ${maxMs} ms of virtual time: ${what}`);
      await this.time.advance(50);
    }
  }

  /** kill -9: the process's timers, store access and stream handlers are gone, nothing is flushed. */
  crash(): void {
    if (!this.#life) return;
    this.#life.dead = true;
    this.#life.scheduler.kill();
    for (const c of this.provider.conversations()) c.detachHandlers();
    this.#life = undefined;
  }

  /** SIGTERM: the engine's graceful stop (on virtual time), then the process is gone. */
  async shutdown(budgetMs = 8_000): Promise<void> {
    let done = false;
    const stopping = this.engine.shutdown(budgetMs).finally(() => (done = true));
    if (!(await this.time.advanceUntil(() => done, budgetMs + 1_000)))
      throw new Error(`shutdown did not finish within its budget of ${budgetMs} ms`);
    await stopping;
    this.crash();
  }

  /**
   * A new process on the same store and contact center: resumes every unended handover. `startUp`:
   * what the new process does before it resumes — returning the list it read, as a gateway does.
   */
  async restart(startUp?: (engine: HandoverEngine) => Promise<UnendedList>): Promise<number> {
    this.crash();
    this.#boot();
    const unended = startUp ? await startUp(this.engine) : undefined;
    return this.engine.resume(unended ? { unended } : {});
  }

  #boot(): void {
    const life = { scheduler: new LifeScheduler(this.time), dead: false };
    this.#life = life;
    const base = lifeStore(this.store, () => life.dead);
    const store = this.#options.wrapStore?.(base) ?? base;
    const policy = { ...POLICY, ...this.#options.policy };
    // UUID-shaped and deterministic: the API's id parameters are UUIDs.
    const ids = { next: () => `00000000-0000-4000-8000-${String(++this.#ids).padStart(12, '0')}` };
    this.engine = new HandoverEngine({
      store,
      endpoint: (id) => (id === ENDPOINT ? policy : undefined),
      provider: (id) => (id === ENDPOINT ? this.provider : undefined),
      notifier: this.notifier,
      clock: this.time,
      ids,
      scheduler: life.scheduler,
      random: () => 0.5,
      logger: this.logger,
      limits: { sweepIntervalMs: 1_000, ...this.#options.limits },
      ...(this.#options.ownership ? { ownership: this.#options.ownership } : {}),
      ...(this.#options.ownerNotes ? { ownerNotes: this.#options.ownerNotes } : {}),
    });
    this.service = new HandoverService({
      store,
      engine: this.engine,
      endpoint: (id) => (id === ENDPOINT ? policy : undefined),
      provider: (id) => (id === ENDPOINT ? this.provider : undefined),
      clock: this.time,
      ids,
      scheduler: life.scheduler,
      endWaitMs: this.#options.endWaitMs ?? 30_000,
    });
  }
}
