// Fault injection for reliability tests: answer the next N guest (or platform) REST calls with an
// error status or after a delay, and disturb the next N Open Messaging webhook calls (duplicates,
// delays, reordering — OM doc §4.5 promises none of order or exactly-once). Immediate faults
// (dropping sockets, expiring tokens) do not queue here. Faults are consumed first-in first-out; a
// fault may be limited to one conversation (REST) or one integration (webhook).
import { randomUUID } from 'node:crypto';
import { GuestApiError } from './errors.ts';

export type HttpFaultStatus = 429 | 500 | 503 | 504;

/** Which REST surface a fault hits; absent means the guest API (the only one before Open Messaging). */
export type FaultApi = 'guest-chat' | 'platform';

export type FaultSpec =
  | {
      readonly kind: 'http-error';
      readonly status: HttpFaultStatus;
      readonly count: number;
      readonly retryAfterSeconds: number;
      readonly api?: FaultApi | undefined;
      readonly conversationId?: string | undefined;
    }
  | {
      readonly kind: 'delay';
      readonly delayMs: number;
      readonly count: number;
      readonly api?: FaultApi | undefined;
      readonly conversationId?: string | undefined;
    }
  | {
      readonly kind: 'webhook-duplicate';
      readonly count: number;
      readonly integrationId?: string | undefined;
    }
  | {
      readonly kind: 'webhook-delay';
      readonly delayMs: number;
      readonly count: number;
      readonly integrationId?: string | undefined;
    }
  | {
      readonly kind: 'webhook-reorder';
      /** How many webhook calls are held and then sent newest first (≥ 2). */
      readonly count: number;
      /** Held calls are released after this long even if fewer arrived. */
      readonly maxHoldMs: number;
      readonly integrationId?: string | undefined;
    };

export type PendingFault = FaultSpec & { readonly id: string; remaining: number };

export class FaultInjector {
  readonly #pending: PendingFault[] = [];
  readonly #sleepers = new Set<() => void>();

  add(spec: FaultSpec): PendingFault {
    const fault: PendingFault = { ...spec, id: randomUUID(), remaining: spec.count };
    this.#pending.push(fault);
    return fault;
  }

  list(): readonly PendingFault[] {
    return this.#pending;
  }

  clear(): number {
    const n = this.#pending.length;
    this.#pending.length = 0;
    return n;
  }

  /** Consumes one use of the first fault that applies to this call. */
  take(applies: (fault: PendingFault) => boolean): PendingFault | undefined {
    const index = this.#pending.findIndex(applies);
    if (index < 0) return undefined;
    const fault = this.#pending[index];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#pending.splice(index, 1);
    return fault;
  }

  /** Waits for a delay fault; cut short when the emulator closes so shutdown never hangs. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#sleepers.add(done);
    });
  }

  close(): void {
    for (const wake of [...this.#sleepers]) wake();
    this.clear();
  }
}

/** The error a fault answers with. 429 follows the normalised platform format of §11.3. */
export function faultError(status: HttpFaultStatus, retryAfterSeconds: number): GuestApiError {
  switch (status) {
    case 429:
      return new GuestApiError(
        429,
        'too.many.requests.retry.after',
        `Rate limit exceeded the maximum. Retry the request in [${retryAfterSeconds}] seconds`,
        { headers: { 'retry-after': String(retryAfterSeconds) } },
      );
    case 500:
      return new GuestApiError(
        500,
        'internal.server.error',
        'The server encountered an unexpected condition which prevented it from fulfilling the request.',
      );
    case 503:
      return new GuestApiError(503, 'service.unavailable', 'Service Unavailable', {
        headers: { 'retry-after': String(retryAfterSeconds) },
      });
    case 504:
      return new GuestApiError(504, 'request.timeout', 'The request timed out.');
  }
}
