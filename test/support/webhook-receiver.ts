// A real webhook receiver on 127.0.0.1 that verifies every delivery with the `standardwebhooks`
// library — exactly what a bot would do — and records the verified events. It can be told to fail.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { HandoverEvent } from '../../src/core/model/events.ts';

export interface ReceivedDelivery {
  readonly webhookId: string;
  readonly event: HandoverEvent;
}

export class WebhookReceiver {
  readonly deliveries: ReceivedDelivery[] = [];
  readonly rejected: string[] = [];
  /** Answer this status instead of 204 (e.g. 500 to simulate an outage); undefined = healthy. */
  failWith: number | undefined;
  #server: Server | undefined;
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
        if (this.failWith !== undefined) {
          res.writeHead(this.failWith).end();
          return;
        }
        try {
          const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
          const event = this.#verifier.verify(body, headers) as HandoverEvent;
          this.deliveries.push({ webhookId: headers['webhook-id'] ?? '', event });
          res.writeHead(204).end();
        } catch (err) {
          this.rejected.push(err instanceof Error ? err.message : String(err));
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** Verified events of one handover, de-duplicated by webhook id, in arrival order. */
  events(handoverId: string): HandoverEvent[] {
    const seen = new Set<string>();
    return this.deliveries
      .filter((d) => d.event.handoverId === handoverId && !seen.has(d.webhookId) && seen.add(d.webhookId))
      .map((d) => d.event);
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
