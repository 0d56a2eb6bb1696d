// Posts outbound envelopes to an integration's webhook the way §4.5 describes Genesys doing it: a
// 10 s answer timeout, up to 5 retries 5 s apart on timeout, 429 or 5xx (a refused connection counts
// as a timeout); any other non-2xx is final. Every call is signed (§4.4) and carries the integration's
// `webhookHeaders`. Fault injection can duplicate, delay or reorder calls (§4.5: at-least-once, no
// ordering guarantee). Each call leaves a delivery record for the agent API — with no secret and no
// message text in it.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { FaultInjector, PendingFault } from '../faults.ts';
import { hubSignature, SIGNATURE_HEADER } from './signature.ts';

export interface WebhookTarget {
  readonly integrationId: string;
  readonly url: string;
  readonly secret: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface DeliveryAttempt {
  readonly at: string;
  readonly status?: number;
  readonly error?: 'timeout' | 'network';
}

export interface DeliveryRecord {
  readonly id: string;
  readonly integrationId: string;
  readonly conversationId?: string;
  /** The envelope's `id` (the Genesys message id; a fresh id for typing events). */
  readonly messageId: string;
  readonly type: string;
  /** A copy sent by the webhook-duplicate fault. */
  readonly duplicate: boolean;
  state: 'pending' | 'delivered' | 'failed';
  readonly attempts: DeliveryAttempt[];
}

export interface WebhookTimings {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryDelayMs: number;
}

const MAX_RECORDS = 1000;

const retryable = (status: number): boolean => status === 429 || status >= 500;

export class WebhookSender {
  readonly #timings: WebhookTimings;
  readonly #faults: FaultInjector;
  readonly #closing = new AbortController();
  readonly #records: DeliveryRecord[] = [];
  /** Calls held by a webhook-reorder fault, per fault id. */
  readonly #held = new Map<string, { runs: (() => Promise<void>)[]; timer: NodeJS.Timeout }>();
  readonly #inFlight = new Set<Promise<void>>();
  /**
   * The calls being posted, aborted by `close`. Not AbortSignal.any over the closing signal per call:
   * on Node 20 that left a dependant on the long-lived closing signal for every call, so each later
   * call's listener was added to a list that grew for the emulator's whole life (~9 % of its CPU and
   * rising in a long benchmark run, issue 12, bench/README.md).
   */
  readonly #calls = new Set<AbortController>();

  constructor(timings: WebhookTimings, faults: FaultInjector) {
    this.#timings = timings;
    this.#faults = faults;
    // Every call waiting out its retry pause listens here (and stops when the pause ends): dozens at
    // once under load are expected, not a leak — without this Node warns from the 11th on.
    setMaxListeners(Infinity, this.#closing.signal);
  }

  /** Fire and forget: the call runs in the background; its record tells how it went. */
  send(target: WebhookTarget, envelope: Record<string, unknown>, conversationId?: string): void {
    if (this.#closing.signal.aborted) return;
    const body = JSON.stringify(envelope);
    const meta = {
      integrationId: target.integrationId,
      ...(conversationId !== undefined ? { conversationId } : {}),
      messageId: String(envelope.id),
      type: String(envelope.type),
    };
    // Faults are taken now, in call order, so "the next N calls" means what it says.
    const take = (kind: 'webhook-delay' | 'webhook-duplicate' | 'webhook-reorder') =>
      this.#faults.take(
        (f) => f.kind === kind && (f.integrationId === undefined || f.integrationId === target.integrationId),
      );
    const delay = take('webhook-delay');
    const duplicate = take('webhook-duplicate');
    const reorder = take('webhook-reorder');
    const run = async (): Promise<void> => {
      if (delay?.kind === 'webhook-delay') await this.#sleep(delay.delayMs);
      await this.#deliver(target, body, { ...meta, duplicate: false });
      // A duplicate is the same call again, as after an acknowledgement Genesys did not see.
      if (duplicate) await this.#deliver(target, body, { ...meta, duplicate: true });
    };
    if (reorder?.kind === 'webhook-reorder') this.#hold(reorder, run);
    else this.#track(run());
  }

  deliveries(filter: { conversationId?: string; integrationId?: string } = {}): readonly DeliveryRecord[] {
    return this.#records.filter(
      (r) =>
        (filter.conversationId === undefined || r.conversationId === filter.conversationId) &&
        (filter.integrationId === undefined || r.integrationId === filter.integrationId),
    );
  }

  /** Stops retries and sleeps, aborts calls in flight, forgets held calls. */
  async close(): Promise<void> {
    this.#closing.abort();
    for (const call of this.#calls) call.abort();
    for (const { timer } of this.#held.values()) clearTimeout(timer);
    this.#held.clear();
    await Promise.allSettled([...this.#inFlight]);
  }

  /** webhook-reorder: hold calls until `count` are gathered (or `maxHoldMs` passed), then send newest first. */
  #hold(fault: PendingFault & { kind: 'webhook-reorder' }, run: () => Promise<void>): void {
    let group = this.#held.get(fault.id);
    if (!group) {
      const timer = setTimeout(() => this.#release(fault.id), fault.maxHoldMs);
      timer.unref();
      group = { runs: [], timer };
      this.#held.set(fault.id, group);
    }
    group.runs.push(run);
    if (fault.remaining <= 0) this.#release(fault.id);
  }

  #release(faultId: string): void {
    const group = this.#held.get(faultId);
    if (!group) return;
    this.#held.delete(faultId);
    clearTimeout(group.timer);
    const runs = [...group.runs].reverse();
    this.#track(
      (async () => {
        for (const run of runs) await run();
      })(),
    );
  }

  #track(promise: Promise<void>): void {
    const tracked = promise.catch(() => undefined).finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }

  async #deliver(
    target: WebhookTarget,
    body: string,
    meta: Omit<DeliveryRecord, 'id' | 'state' | 'attempts'>,
  ): Promise<void> {
    const record: DeliveryRecord = { id: randomUUID(), ...meta, state: 'pending', attempts: [] };
    this.#records.push(record);
    if (this.#records.length > MAX_RECORDS) this.#records.shift();
    const { timeoutMs, retries, retryDelayMs } = this.#timings;
    for (let attempt = 0; attempt <= retries; attempt += 1) {
      if (this.#closing.signal.aborted) return;
      if (attempt > 0) await this.#sleep(retryDelayMs);
      const outcome = await this.#post(target, body, timeoutMs);
      record.attempts.push({ at: new Date().toISOString(), ...outcome });
      if ('status' in outcome) {
        if (outcome.status >= 200 && outcome.status < 300) {
          record.state = 'delivered';
          return;
        }
        if (!retryable(outcome.status)) break;
      }
    }
    record.state = 'failed';
  }

  async #post(
    target: WebhookTarget,
    body: string,
    timeoutMs: number,
  ): Promise<{ status: number } | { error: 'timeout' | 'network' }> {
    const call = new AbortController();
    const timer = setTimeout(() => call.abort(), timeoutMs);
    this.#calls.add(call);
    if (this.#closing.signal.aborted) call.abort();
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: {
          ...target.headers,
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: hubSignature(target.secret, body),
        },
        body,
        redirect: 'manual',
        signal: call.signal,
      });
      // Drain the answer so the connection can be reused; its content does not matter.
      await response.arrayBuffer().catch(() => undefined);
      return { status: response.status };
    } catch {
      // Aborted and not by close(): the answer timeout.
      return { error: call.signal.aborted && !this.#closing.signal.aborted ? 'timeout' : 'network' };
    } finally {
      clearTimeout(timer);
      this.#calls.delete(call);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.#closing.signal.aborted) {
        resolve();
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        this.#closing.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#closing.signal.addEventListener('abort', done);
    });
  }
}
