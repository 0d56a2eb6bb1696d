// A load balancer in front of the gateway instances for Genesys' Open Messaging webhook calls (§4.5):
// each call goes to an instance picked at random (no stickiness — the instance may or may not own
// the handover), byte for byte, and its answer goes back. An instance that does not answer (killed,
// frozen) makes a 502, which Genesys (the emulator) retries like any 5xx. Counts where calls went.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export class WebhookSpreader {
  readonly #server: Server;
  readonly #pick: () => { url: string } | undefined;
  /** Answers by status (0: no instance answered). */
  readonly answers = new Map<number, number>();

  private constructor(server: Server, pick: () => { url: string } | undefined) {
    this.#server = server;
    this.#pick = pick;
  }

  /** `pick`: a running instance (or undefined when none is), called per call. */
  static async start(pick: () => { url: string } | undefined): Promise<WebhookSpreader> {
    const server = createServer();
    const spreader = new WebhookSpreader(server, pick);
    server.on('request', (req, res) => void spreader.#forward(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return spreader;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async #forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = this.#pick();
    let status = 502;
    let body = '';
    if (target) {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
      try {
        const answer = await fetch(`${target.url}${req.url ?? '/'}`, {
          method: req.method ?? 'POST',
          headers,
          body: Buffer.concat(chunks),
          signal: AbortSignal.timeout(9_000),
        });
        status = answer.status;
        body = await answer.text();
      } catch {
        status = 502;
      }
    }
    this.answers.set(target ? status : 0, (this.answers.get(target ? status : 0) ?? 0) + 1);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
