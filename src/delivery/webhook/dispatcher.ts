// The outbox dispatcher: polls the store for due webhook deliveries and POSTs them, signed.
// Ordering per handover comes from the store (it only ever offers a handover's OLDEST undelivered
// event) plus one rule here: never two attempts of the same handover at once. Different handovers
// run in parallel up to `concurrency`, so a receiver that is down only delays its own handovers.
//
// Two kinds of poll. A kick that names a handover (its commit enqueued events, or its attempt just
// settled) asks the store for the heads of the named handovers only — one index seek each — since
// nothing else can have become due by it. The whole outbox is walked when a kick names none (a
// replay), when the last walk hit the limit (more may be due), when more handovers were named than
// there are free slots, and at least every `pollIntervalMs` (retries falling due, other instances'
// commits): a walk costs per pending row, and at 1,000 messages a second one per message was a
// quarter of the event loop's work (bench/README.md, "The dispatcher's poll").
import type { HandoverEvent } from '../../core/model/events.ts';
import type { Clock } from '../../core/ports/clock.ts';
import { errorField, silentLogger, type Logger } from '../../core/ports/logger.ts';
import type { Random, Scheduler, TimerHandle } from '../../core/ports/scheduler.ts';
import type { EventLog, PendingDelivery } from '../../core/ports/store/index.ts';
import { noTracer, type Tracer } from '../../core/ports/tracer.ts';
import { postWebhook, requestWebhook, type AttemptResult, type FetchLike } from './attempt.ts';
import { DEFAULT_WEBHOOK_RETRY, planAfterFailure, type WebhookRetryPolicy } from './retry-plan.ts';
import { WebhookSecret } from './secret.ts';
import { signWebhook } from './sign.ts';

export interface WebhookTarget {
  readonly url: string;
  /** `whsec_…` secrets; every one signs, so a bot can rotate. */
  readonly secrets: readonly string[];
}

export type DeliveryOutcomeKind = 'delivered' | 'retry' | 'dead';

export type { WebhookRetryPolicy } from './retry-plan.ts';

export interface WebhookDispatcherOptions {
  readonly events: Pick<EventLog, 'dueDeliveries' | 'recordDelivery'>;
  /** The endpoint's webhook; undefined when the endpoint has none (the event is retried, then dead-lettered). */
  readonly resolveTarget: (endpointId: string) => WebhookTarget | undefined;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** [0, 1) source for jitter. */
  readonly random: Random;
  /** Default: undici's `request` (attempt.ts); any fetch function fits too. */
  readonly fetch?: FetchLike;
  readonly logger?: Logger;
  /** Per-attempt HTTP timeout, in ms. Default 10 000. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<WebhookRetryPolicy>;
  /** How often the whole outbox is walked at least (retries falling due, other instances), in ms. Default 500. */
  readonly pollIntervalMs?: number;
  /** Attempts in flight at once (each for a different handover). Default 128 (config `webhooks.concurrency`). */
  readonly concurrency?: number;
  /** How long `stop()` waits for in-flight attempts before aborting them, in ms. Default: `timeoutMs`. */
  readonly stopTimeoutMs?: number;
  /** Observes each recorded outcome (metrics, tests). Exceptions it throws are logged and ignored. */
  readonly onOutcome?: (outcome: DeliveryOutcomeKind, event: HandoverEvent) => void;
  /**
   * Each attempt is a span continuing the trace kept with the outbox row (the Genesys event, the
   * bot's request); the HTTP client instrumentation puts its `traceparent` on the webhook request.
   */
  readonly tracer?: Tracer;
}

export class WebhookDispatcher {
  readonly #o: Required<Omit<WebhookDispatcherOptions, 'onOutcome' | 'retry' | 'stopTimeoutMs'>> & {
    readonly retry: WebhookRetryPolicy;
    readonly stopTimeoutMs: number;
    readonly onOutcome: WebhookDispatcherOptions['onOutcome'];
  };
  /** In-flight attempts by handover id: the per-handover exclusion. */
  readonly #inFlight = new Map<string, Promise<void>>();
  /** Events settled since the current poll started: that poll's answer may be stale for them. */
  #settledDuringPoll = new Set<string>();
  readonly #shutdown = new AbortController();
  #running = false;
  #stopping: Promise<void> | undefined;
  #loop: Promise<void> | undefined;
  #wakePending = false;
  #wake: (() => void) | undefined;
  /** Handovers named by kicks since the last poll: only their heads can have become due. */
  #named = new Set<string>();
  /** The next poll walks the whole outbox (start, a kick naming no handover, a walk that hit its limit). */
  #walkWanted = true;
  /** When the whole outbox was last walked (clock ms). */
  #walkedAt = Number.NEGATIVE_INFINITY;

  constructor(options: WebhookDispatcherOptions) {
    const timeoutMs = options.timeoutMs ?? 10_000;
    this.#o = {
      events: options.events,
      scheduler: options.scheduler,
      resolveTarget: options.resolveTarget,
      clock: options.clock,
      fetch: options.fetch ?? requestWebhook,
      logger: options.logger ?? silentLogger,
      timeoutMs,
      retry: { ...DEFAULT_WEBHOOK_RETRY, ...stripUndefined(options.retry ?? {}) },
      pollIntervalMs: options.pollIntervalMs ?? 500,
      concurrency: options.concurrency ?? 128,
      stopTimeoutMs: options.stopTimeoutMs ?? timeoutMs,
      onOutcome: options.onOutcome,
      random: options.random,
      tracer: options.tracer ?? noTracer,
    };
    if (!(this.#o.concurrency >= 1)) throw new RangeError('concurrency must be at least 1');
    if (!(this.#o.pollIntervalMs > 0)) throw new RangeError('pollIntervalMs must be positive');
    if (!(this.#o.timeoutMs > 0)) throw new RangeError('timeoutMs must be positive');
  }

  /** Starts polling. Idempotent. A stopped dispatcher cannot be restarted (build a new one). */
  start(): void {
    if (this.#running || this.#stopping) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /**
   * Wakes the loop now: call after each commit that enqueued events, so delivery is prompt. Name the
   * handover whose events were enqueued when it is known; without one the whole outbox is walked.
   */
  kick(handoverId?: string): void {
    if (handoverId === undefined) this.#walkWanted = true;
    else this.#named.add(handoverId);
    this.#wakePending = true;
    this.#wake?.();
  }

  /** Number of attempts in flight (for metrics and readiness). */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * Stops polling and waits for in-flight attempts, at most `stopTimeoutMs`; then aborts them
   * (an aborted attempt is not recorded: the event stays due and is delivered after a restart).
   */
  stop(): Promise<void> {
    // Concurrent callers (signal handler and test teardown) all wait for the same drain.
    this.#stopping ??= this.#running ? this.#drain() : Promise.resolve();
    return this.#stopping;
  }

  async #drain(): Promise<void> {
    this.#running = false;
    this.kick();
    await this.#loop;
    const drained = await this.#settlesWithin(
      Promise.allSettled(this.#inFlight.values()),
      this.#o.stopTimeoutMs,
    );
    if (!drained) {
      this.#o.logger.warn(
        { inFlight: this.#inFlight.size },
        'webhook dispatcher: aborting in-flight deliveries on stop',
      );
    }
    this.#shutdown.abort();
    // Aborted fetches settle at once; the bound only guards against a store call that hangs.
    await this.#settlesWithin(Promise.allSettled(this.#inFlight.values()), 1_000);
  }

  async #run(): Promise<void> {
    while (this.#running) {
      try {
        await this.#poll();
      } catch (err) {
        this.#o.logger.error({ err: errorField(err) }, 'webhook dispatcher: polling the outbox failed');
      }
      await this.#idle();
    }
  }

  async #poll(): Promise<void> {
    const free = this.#o.concurrency - this.#inFlight.size;
    if (free <= 0) return; // named handovers wait: each settling attempt kicks again
    const now = this.#o.clock.now();
    const among = this.#among(free, now.getTime());
    if (among?.size === 0) return;
    this.#settledDuringPoll = new Set();
    // Only what can be sent now: handovers already in flight are skipped by the store, so no row is
    // claimed (PostgreSQL) that this instance will not send at once.
    const due = await this.#o.events.dueDeliveries(
      now.toISOString(),
      free,
      new Set(this.#inFlight.keys()),
      among,
    );
    // A walk that filled every free slot may have left due heads behind: walk again next time.
    if (among === undefined && due.length >= free) this.#walkWanted = true;
    for (const pending of due) {
      if (!this.#running) break;
      const { handoverId, id } = pending.event;
      if (this.#inFlight.has(handoverId) || this.#settledDuringPoll.has(id)) continue;
      const attempt = this.#deliver(pending).finally(() => {
        this.#inFlight.delete(handoverId);
        this.#settledDuringPoll.add(id);
        this.kick(handoverId); // the handover's next event may be due now
      });
      this.#inFlight.set(handoverId, attempt);
    }
  }

  /**
   * Which handovers this poll asks about: undefined walks the whole outbox. Named handovers already
   * in flight are dropped (their attempt's settling kicks them again).
   */
  #among(free: number, nowMs: number): Set<string> | undefined {
    const named = this.#named;
    this.#named = new Set();
    if (this.#walkWanted || nowMs - this.#walkedAt >= this.#o.pollIntervalMs) return this.#walk(nowMs);
    const among = new Set<string>();
    for (const id of named) if (!this.#inFlight.has(id)) among.add(id);
    // More than can be sent now: the walk returns the oldest due first, as one poll always did.
    return among.size > free ? this.#walk(nowMs) : among;
  }

  #walk(nowMs: number): undefined {
    this.#walkWanted = false;
    this.#walkedAt = nowMs;
    return undefined;
  }

  /** Sleeps until kicked, an attempt settles, or the poll interval passes. */
  async #idle(): Promise<void> {
    if (this.#wakePending || !this.#running) {
      this.#wakePending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer: TimerHandle = this.#o.scheduler.after(this.#o.pollIntervalMs, resolve);
      this.#wake = () => {
        timer.cancel();
        resolve();
      };
    });
    this.#wake = undefined;
    this.#wakePending = false;
  }

  async #deliver(pending: PendingDelivery): Promise<void> {
    const { event } = pending;
    const log = {
      eventId: event.id,
      handoverId: event.handoverId,
      endpointId: event.endpointId,
      seq: event.seq,
      type: event.type,
    };
    try {
      const startedAt = this.#o.clock.now();
      const result = await this.#o.tracer.inSpan(
        'webhook delivery',
        {
          parent: pending.traceParent ?? null,
          attributes: {
            'handover.id': event.handoverId,
            'genesys_handover.event': event.type,
            'genesys_handover.attempt': pending.attempts + 1,
          },
        },
        () => this.#attempt(pending, startedAt),
      );
      if (!result.ok && result.cancelled) return;
      const at = this.#o.clock.now();
      if (result.ok) {
        await this.#o.events.recordDelivery(event.id, { kind: 'delivered', at: at.toISOString() });
        this.#o.logger.debug(
          { ...log, status: result.status, attempt: pending.attempts + 1 },
          'webhook delivered',
        );
        this.#notify('delivered', event);
        return;
      }
      const plan = planAfterFailure({
        failures: pending.attempts + 1,
        firstAttemptAt: pending.firstAttemptAt === undefined ? startedAt : new Date(pending.firstAttemptAt),
        now: at,
        permanent: result.permanent,
        retryAfter: result.retryAfter,
        policy: this.#o.retry,
        random: this.#o.random,
      });
      const fields = { ...log, reason: result.reason, attempt: pending.attempts + 1 };
      if (plan.kind === 'dead') {
        await this.#o.events.recordDelivery(event.id, {
          kind: 'dead',
          at: at.toISOString(),
          error: `${result.reason} (${plan.why})`,
        });
        this.#o.logger.error({ ...fields, why: plan.why }, 'webhook dead-lettered');
        this.#notify('dead', event);
      } else {
        const nextAttemptAt = plan.nextAttemptAt.toISOString();
        await this.#o.events.recordDelivery(event.id, {
          kind: 'retry',
          at: at.toISOString(),
          nextAttemptAt,
          error: result.reason,
        });
        this.#o.logger.warn({ ...fields, nextAttemptAt }, 'webhook delivery failed; will retry');
        this.#notify('retry', event);
      }
    } catch (err) {
      // Recording failed: nothing changed in the outbox, so the event is offered again (at-least-once).
      this.#o.logger.error(
        { ...log, err: errorField(err) },
        'webhook dispatcher: recording a delivery failed',
      );
    }
  }

  async #attempt(pending: PendingDelivery, at: Date): Promise<AttemptResult> {
    const target = this.#o.resolveTarget(pending.event.endpointId);
    if (target === undefined || target.secrets.length === 0) {
      return {
        ok: false,
        reason: 'no webhook url and secret configured for the endpoint',
        permanent: false,
        cancelled: false,
      };
    }
    let secrets: WebhookSecret[];
    try {
      secrets = target.secrets.map((s) => WebhookSecret.parse(s));
    } catch {
      return {
        ok: false,
        reason: 'the endpoint webhook secret is invalid',
        permanent: false,
        cancelled: false,
      };
    }
    return postWebhook({
      fetch: this.#o.fetch,
      url: target.url,
      request: signWebhook(pending.event, secrets, at),
      timeoutMs: this.#o.timeoutMs,
      signal: this.#shutdown.signal,
    });
  }

  async #settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
    let timer: TimerHandle | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = this.#o.scheduler.after(ms, () => resolve(false));
    });
    try {
      return await Promise.race([p.then(() => true as const), timedOut]);
    } finally {
      timer?.cancel();
    }
  }

  #notify(outcome: DeliveryOutcomeKind, event: HandoverEvent): void {
    try {
      this.#o.onOutcome?.(outcome, event);
    } catch (err) {
      this.#o.logger.warn({ eventId: event.id, err: errorField(err) }, 'webhook dispatcher: onOutcome threw');
    }
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
