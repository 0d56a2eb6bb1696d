// A real webhook receiver on 127.0.0.1 (port 0). Every attempt is recorded on arrival, with its
// headers and raw body, and answered as `respond` decides — per request, so one handover's receiver
// can be down while another's works: accept, answer a status (with headers such as Retry-After),
// reset the connection (down), answer late (slow), or hold the answer as long as a promise is open.
// Given a secret, accepted deliveries are verified with the `standardwebhooks` library, as a real bot
// would; a delivery that fails verification is answered 400 and listed in `rejected`.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { HandoverEvent } from '../../src/core/model/events.ts';

export type Answer =
  /** Accepts the delivery (verified when the receiver has a secret): 204, or another 2xx `status`. */
  | { readonly kind: 'ok'; readonly status?: number }
  /** A failure answer (4xx, 5xx), with headers such as `retry-after`. */
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Readonly<Record<string, string>> }
  /** The connection is reset without an answer, like a receiver that is down. */
  | { readonly kind: 'reset' }
  /** Answers after `delayMs` with `then` (default ok). */
  | { readonly kind: 'slow'; readonly delayMs: number; readonly then?: Answer };

export const OK: Answer = { kind: 'ok' };

export interface Attempt {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The event as sent (parsed, not verified). */
  readonly event: HandoverEvent;
  readonly handoverId: string;
  readonly eventId: string;
  readonly seq: number;
  /** 'pending' until the answer went out (or the connection was gone). */
  outcome: 'pending' | 'accepted' | 'failed';
}

/** Decides the answer to an attempt; `index` counts every attempt the receiver got. */
export type Responder = (attempt: Attempt, index: number) => Answer | Promise<Answer>;

export interface Delivery {
  readonly webhookId: string;
  readonly event: HandoverEvent;
}

export interface WebhookReceiverOptions {
  /** Verify accepted deliveries with this `whsec_…` secret. */
  readonly secret?: string;
  /** Default: accept everything. */
  readonly respond?: Responder;
}

export class WebhookReceiver {
  /** Every attempt, in arrival order (the order the gateway sent them in). */
  readonly attempts: Attempt[] = [];
  /** Accepted (and, with a secret, verified) deliveries, redeliveries included. */
  readonly deliveries: Delivery[] = [];
  /** Verification failures, as messages. */
  readonly rejected: string[] = [];
  /** Highest number of attempts of one handover in flight at once. */
  maxConcurrentPerHandover = 0;
  respond: Responder;
  readonly #server: Server;
  readonly #verifier: Webhook | undefined;
  readonly #inFlight = new Map<string, number>();
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();

  private constructor(options: WebhookReceiverOptions) {
    this.respond = options.respond ?? (() => OK);
    this.#verifier = options.secret === undefined ? undefined : new Webhook(options.secret);
    this.#server = createServer((req, res) => {
      void readBody(req).then((body) => {
        let event: HandoverEvent;
        try {
          event = JSON.parse(body) as HandoverEvent;
        } catch {
          res.writeHead(400).end();
          return;
        }
        const attempt: Attempt = {
          headers: req.headers,
          body,
          event,
          handoverId: event.handoverId,
          eventId: event.id,
          seq: event.seq,
          outcome: 'pending',
        };
        const index = this.attempts.push(attempt) - 1;
        const inFlight = (this.#inFlight.get(attempt.handoverId) ?? 0) + 1;
        this.#inFlight.set(attempt.handoverId, inFlight);
        this.maxConcurrentPerHandover = Math.max(this.maxConcurrentPerHandover, inFlight);
        const settle = (outcome: Attempt['outcome']): void => {
          attempt.outcome = outcome;
          this.#inFlight.set(attempt.handoverId, (this.#inFlight.get(attempt.handoverId) ?? 1) - 1);
        };
        const answer = (a: Answer): void => {
          if (res.destroyed || req.socket.destroyed) {
            settle('failed');
            return;
          }
          switch (a.kind) {
            case 'status':
              settle('failed');
              res.writeHead(a.status, a.headers).end('ignored body');
              return;
            case 'reset':
              settle('failed');
              req.socket.destroy();
              return;
            case 'slow': {
              const timer = setTimeout(() => {
                this.#timers.delete(timer);
                answer(a.then ?? OK);
              }, a.delayMs);
              this.#timers.add(timer);
              return;
            }
            case 'ok':
              this.#accept(attempt, settle, (status) => res.writeHead(status).end('ignored body'), a.status);
          }
        };
        void Promise.resolve(this.respond(attempt, index)).then(answer);
      });
    });
    this.#server.on('connection', (s) => {
      this.#sockets.add(s);
      s.once('close', () => this.#sockets.delete(s));
    });
  }

  static async start(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(options);
    await new Promise<void>((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook`;
  }

  /** Attempts for one handover, in arrival order. */
  attemptsOf(handoverId: string): Attempt[] {
    return this.attempts.filter((a) => a.handoverId === handoverId);
  }

  /** Delivered events of one handover, de-duplicated by webhook id (= event id), in arrival order. */
  events(handoverId: string): HandoverEvent[] {
    const seen = new Set<string>();
    return this.deliveries
      .filter((d) => d.event.handoverId === handoverId && !seen.has(d.webhookId) && seen.add(d.webhookId))
      .map((d) => d.event);
  }

  /** How many deliveries were accepted again for an event id already accepted (at-least-once). */
  redeliveries(): number {
    const seen = new Set<string>();
    let n = 0;
    for (const d of this.deliveries) {
      if (seen.has(d.webhookId)) n += 1;
      seen.add(d.webhookId);
    }
    return n;
  }

  /**
   * Ordering per handover as the gateway promises it: an event is never attempted while an earlier
   * event of the same handover is still undelivered (and not dead-lettered: pass those ids).
   * Returns the violations, as readable lines.
   */
  orderViolations(deadEventIds: ReadonlySet<string> = new Set()): string[] {
    const problems: string[] = [];
    const settled = new Map<string, Set<number>>();
    for (const a of this.attempts) {
      if (deadEventIds.has(a.eventId)) settledOf(settled, a.handoverId).add(a.seq);
    }
    for (const a of this.attempts) {
      const done = settledOf(settled, a.handoverId);
      for (let k = 1; k < a.seq; k++) {
        if (!done.has(k)) {
          problems.push(`handover ${a.handoverId}: seq ${a.seq} attempted before seq ${k} was delivered`);
          break;
        }
      }
      if (a.outcome === 'accepted') done.add(a.seq);
    }
    return problems;
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(
    attempt: Attempt,
    settle: (outcome: Attempt['outcome']) => void,
    reply: (status: number) => void,
    status = 204,
  ): void {
    const webhookId = String(attempt.headers['webhook-id'] ?? '');
    let event = attempt.event;
    if (this.#verifier) {
      try {
        const headers = Object.fromEntries(Object.entries(attempt.headers).map(([k, v]) => [k, String(v)]));
        event = this.#verifier.verify(attempt.body, headers) as HandoverEvent;
      } catch (err) {
        this.rejected.push(err instanceof Error ? err.message : String(err));
        settle('failed');
        reply(400);
        return;
      }
    }
    settle('accepted');
    this.deliveries.push({ webhookId, event });
    reply(status);
  }
}

function settledOf(map: Map<string, Set<number>>, handoverId: string): Set<number> {
  let set = map.get(handoverId);
  if (!set) {
    set = new Set();
    map.set(handoverId, set);
  }
  return set;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
