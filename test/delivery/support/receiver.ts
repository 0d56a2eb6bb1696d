// A real HTTP webhook receiver on 127.0.0.1:0. Each request is recorded; `respond` decides the
// answer (and may hold it, to simulate a slow receiver).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The event's handover and seq, read from the body. */
  readonly handoverId: string;
  readonly seq: number;
  /** Set when the answer went out. */
  answered: boolean;
}

export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
}

export type Responder = (req: ReceivedRequest, index: number) => Answer | Promise<Answer>;

export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  /** Highest number of requests of one handover in flight at once (must stay 1). */
  maxConcurrentPerHandover = 0;
  respond: Responder;
  readonly #server: Server;
  readonly #inFlight = new Map<string, number>();

  private constructor(respond: Responder) {
    this.respond = respond;
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const parsed = JSON.parse(body) as { handoverId: string; seq: number };
        const entry: ReceivedRequest = {
          headers: req.headers,
          body,
          handoverId: parsed.handoverId,
          seq: parsed.seq,
          answered: false,
        };
        const index = this.requests.push(entry) - 1;
        const n = (this.#inFlight.get(entry.handoverId) ?? 0) + 1;
        this.#inFlight.set(entry.handoverId, n);
        this.maxConcurrentPerHandover = Math.max(this.maxConcurrentPerHandover, n);
        void Promise.resolve(this.respond(entry, index)).then((answer) => {
          this.#inFlight.set(entry.handoverId, (this.#inFlight.get(entry.handoverId) ?? 1) - 1);
          entry.answered = true;
          if (!res.destroyed) res.writeHead(answer.status, answer.headers).end('ignored body');
        });
      });
    });
  }

  static async start(respond: Responder = () => ({ status: 204 })): Promise<Receiver> {
    const r = new Receiver(respond);
    await new Promise<void>((resolve) => r.#server.listen(0, '127.0.0.1', resolve));
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook`;
  }

  /** Requests for one handover, in arrival order. */
  of(handoverId: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.handoverId === handoverId);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
