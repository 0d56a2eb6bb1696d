// A real HTTP receiver for Open Messaging webhook calls (OM doc §4): it records every call with its raw
// body and headers and verifies X-Hub-Signature-256 itself with node:crypto (HMAC-SHA256 of the raw
// bytes, base64, constant-time compare — §4.4), independently of the emulator's code. Its answers can
// be scripted (status codes, or 'hang' to let the emulator time out).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../support/wait-for.ts';

export interface ReceivedCall {
  readonly headers: Record<string, string>;
  readonly raw: string;
  readonly body: Record<string, any>;
  readonly signatureValid: boolean;
}

export type Answer = number | 'hang';

export function verifyHubSignature(secret: string, raw: Buffer, header: string | undefined): boolean {
  if (header === undefined || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(raw).digest('base64'));
  const given = Buffer.from(header.slice('sha256='.length));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export class OmWebhookReceiver {
  readonly calls: ReceivedCall[] = [];
  /** Answers for the next calls, in order; afterwards 200. */
  readonly plan: Answer[] = [];
  readonly #secret: string;
  readonly #hanging = new Set<ServerResponse>();
  #server: Server | undefined;

  constructor(secret: string) {
    this.#secret = secret;
  }

  get url(): string {
    const address = this.#server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('receiver not started');
    return `http://127.0.0.1:${address.port}/genesys/webhook`;
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      void readRaw(req).then((raw) => {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        this.calls.push({
          headers,
          raw: raw.toString('utf8'),
          body: JSON.parse(raw.toString('utf8')) as Record<string, any>,
          signatureValid: verifyHubSignature(this.#secret, raw, headers['x-hub-signature-256']),
        });
        const answer = this.plan.shift() ?? 200;
        if (answer === 'hang') {
          this.#hanging.add(res);
          return;
        }
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** Calls whose body matches, in arrival order. */
  matching(predicate: (body: Record<string, any>) => boolean): ReceivedCall[] {
    return this.calls.filter((c) => predicate(c.body));
  }

  /** Waits (bounded) until `count` calls match. */
  async waitFor(predicate: (body: Record<string, any>) => boolean, count = 1): Promise<ReceivedCall[]> {
    return waitFor(
      () => {
        const found = this.matching(predicate);
        return found.length >= count ? found : undefined;
      },
      { what: `${count} webhook call(s)`, timeoutMs: 10_000, intervalMs: 5 },
    );
  }

  async close(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
