// A webhook receiver on 127.0.0.1 that can fail on purpose — per event, so one handover's receiver
// can be down while another's works: answer a status (5xx), reset the connection (down), or answer
// late (slow, past the gateway's timeout). Accepted deliveries are verified with `standardwebhooks`
// like a real bot would; every attempt (accepted or not) is recorded to check ordering per handover.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { HandoverEvent } from '../../../src/core/model/events.ts';

export type Behaviour =
  | { readonly kind: 'ok' }
  | { readonly kind: 'status'; readonly status: number }
  /** The connection is reset without an answer, like a receiver that is down. */
  | { readonly kind: 'reset' }
  /** Answers after `delayMs` with `then` (default ok). */
  | { readonly kind: 'slow'; readonly delayMs: number; readonly then?: Behaviour };

export const OK: Behaviour = { kind: 'ok' };

export interface Attempt {
  readonly handoverId: string;
  readonly eventId: string;
  readonly seq: number;
  outcome: 'pending' | 'accepted' | 'failed';
}

export interface Delivery {
  readonly webhookId: string;
  readonly event: HandoverEvent;
}

export class FlakyReceiver {
  readonly deliveries: Delivery[] = [];
  readonly attempts: Attempt[] = [];
  readonly rejected: string[] = [];
  /** Decides each attempt from the (not yet verified) event. Default: accept. */
  policy: (event: HandoverEvent) => Behaviour = () => OK;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #verifier: Webhook;

  constructor(readonly secret: string) {
    this.#verifier = new Webhook(secret);
  }

  get url(): string {
    const addr = this.#server?.address() as AddressInfo | undefined;
    if (!addr) throw new Error('receiver not started');
    return `http://127.0.0.1:${addr.port}/hook`;
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      void readBody(req).then((body) => {
        let event: HandoverEvent;
        try {
          event = JSON.parse(body) as HandoverEvent;
        } catch {
          res.writeHead(400).end();
          return;
        }
        // Recorded on arrival (the order the gateway sent them in); the outcome is filled in later.
        const attempt: Attempt = {
          handoverId: event.handoverId,
          eventId: event.id,
          seq: event.seq,
          outcome: 'pending',
        };
        this.attempts.push(attempt);
        const record = (outcome: Attempt['outcome']) => (attempt.outcome = outcome);
        const answer = (b: Behaviour): void => {
          switch (b.kind) {
            case 'status':
              record('failed');
              res.writeHead(b.status).end();
              return;
            case 'reset':
              record('failed');
              req.socket.destroy();
              return;
            case 'slow': {
              const timer = setTimeout(() => {
                this.#timers.delete(timer);
                if (res.destroyed || req.socket.destroyed) {
                  record('failed');
                  return;
                }
                answer(b.then ?? OK);
              }, b.delayMs);
              this.#timers.add(timer);
              return;
            }
            case 'ok':
              try {
                const headers = Object.fromEntries(
                  Object.entries(req.headers).map(([k, v]) => [k, String(v)]),
                );
                const verified = this.#verifier.verify(body, headers) as HandoverEvent;
                record('accepted');
                this.deliveries.push({ webhookId: headers['webhook-id'] ?? '', event: verified });
                res.writeHead(204).end();
              } catch (err) {
                this.rejected.push(err instanceof Error ? err.message : String(err));
                res.writeHead(400).end();
              }
          }
        };
        answer(this.policy(event));
      });
    });
    this.#server.on('connection', (s) => {
      this.#sockets.add(s);
      s.once('close', () => this.#sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** Verified events of one handover, de-duplicated by webhook id (= event id), in arrival order. */
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
    const server = this.#server;
    if (!server) return;
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
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
