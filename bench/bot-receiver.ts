// The bot's side: one webhook receiver for the gateway's signed deliveries and the raw relay's plain
// POSTs alike. It reads each body, answers 204 at once and hands agent messages to the current
// `Arrivals`. It does not verify signatures: checking an HMAC is the bot's cost, not the gateway's.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Arrivals } from './arrivals.ts';

export class BotReceiver {
  /** Where agent messages are counted; swap it per measurement. */
  arrivals: Arrivals | undefined;
  /** Deliveries by event type. */
  readonly byType = new Map<string, number>();
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = performance.now();
        res.writeHead(204).end();
        try {
          const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            type?: string;
            data?: { text?: string };
          };
          const type = event.type ?? '?';
          this.byType.set(type, (this.byType.get(type) ?? 0) + 1);
          if (type === 'handover.agent_message' && typeof event.data?.text === 'string')
            this.arrivals?.arrived(event.data.text, at);
        } catch {
          /* not JSON: counted nowhere */
        }
      });
    });
    this.#server.keepAliveTimeout = 60_000;
    this.#server.on('connection', (s) => {
      this.#sockets.add(s);
      s.once('close', () => this.#sockets.delete(s));
    });
  }

  static async start(): Promise<BotReceiver> {
    const r = new BotReceiver();
    await new Promise<void>((resolve) => r.#server.listen(0, '127.0.0.1', resolve));
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook`;
  }

  count(type: string): number {
    return this.byType.get(type) ?? 0;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
