// A scripted gateway for the demo bot's tests (node:http on 127.0.0.1, port 0): it records every
// request, starts handovers with fresh ids, keeps each handover's event stream open for the test to
// write events into, and can answer message sends with 503s. Only what the bot calls is served.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export const FAKE_KEY = 'fake-key-0123456789abcdefghij';

/** A handover resource as the gateway answers it (the typed client validates every field). */
const handover = (id: string, state: string) => {
  const at = new Date().toISOString();
  return {
    id,
    endpoint: 'demo',
    state,
    customer: { userId: 'u', sessionId: 's', displayName: 'Web visitor' },
    settings: { queue: 'Support', skills: [], customAttributes: {} },
    lastEventSeq: 0,
    createdAt: at,
    updatedAt: at,
  };
};

const json = (res: ServerResponse, status: number, body: unknown): void =>
  void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

export class FakeGateway {
  readonly seen: SeenRequest[] = [];
  /** Handover ids in the order they were started. */
  readonly started: string[] = [];
  /** The next this many message sends answer 503. */
  failNextMessages = 0;
  /** The next handover start answers this error body with 409 (an endpoint's refuse policy). */
  refuseNextStart: { code: string; message: string; nextOpening?: string | null } | undefined;
  readonly #streams = new Map<string, ServerResponse>();
  readonly #seq = new Map<string, number>();
  readonly #server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => this.#answer(req, body, res));
  });
  #url = '';

  static async start(): Promise<FakeGateway> {
    const gateway = new FakeGateway();
    await new Promise<void>((r) => gateway.#server.listen(0, '127.0.0.1', r));
    const { port } = gateway.#server.address() as AddressInfo;
    gateway.#url = `http://127.0.0.1:${port}/`;
    return gateway;
  }

  get url(): string {
    return this.#url;
  }

  /** The parsed bodies of the requests to `path` (e.g. `/v1/handovers`). */
  bodies(path: string): any[] {
    return this.seen.filter((s) => s.url === path && s.body !== '').map((s) => JSON.parse(s.body));
  }

  /** Whether the bot follows this handover's events (emit only then). */
  following(handoverId: string): boolean {
    return this.#streams.has(handoverId);
  }

  emit(handoverId: string, type: string, data: unknown): void {
    const stream = this.#streams.get(handoverId);
    if (!stream) throw new Error(`nobody follows ${handoverId}`);
    const seq = (this.#seq.get(handoverId) ?? 0) + 1;
    this.#seq.set(handoverId, seq);
    const at = new Date().toISOString();
    const event = {
      id: `e${seq}`,
      type,
      handoverId,
      endpointId: 'demo',
      userId: 'u',
      sessionId: 's',
      seq,
      occurredAt: at,
      timestamp: at,
      data,
    };
    stream.write(`id: e${seq}\nevent: ${type}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  async close(): Promise<void> {
    for (const stream of this.#streams.values()) stream.end();
    this.#server.closeAllConnections();
    await new Promise((r) => this.#server.close(r));
  }

  #answer(req: IncomingMessage, body: string, res: ServerResponse): void {
    const url = req.url ?? '';
    this.seen.push({ method: req.method ?? '', url, headers: req.headers, body });
    if (req.headers.authorization !== `Bearer ${FAKE_KEY}`) return void res.writeHead(401).end();
    if (url === '/v1/handovers' && req.method === 'POST') {
      const refusal = this.refuseNextStart;
      this.refuseNextStart = undefined;
      if (refusal) return json(res, 409, { error: refusal });
      const id = randomUUID();
      this.started.push(id);
      return json(res, 201, { ...handover(id, 'requested'), extra: 'ignored' });
    }
    const [, id, action] = /^\/v1\/handovers\/([\w-]+)\/(\w+)$/.exec(url) ?? [];
    if (!id || !this.started.includes(id)) return void res.writeHead(404).end();
    switch (action) {
      case 'events':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        this.#streams.set(id, res);
        res.on('close', () => {
          if (this.#streams.get(id) === res) this.#streams.delete(id);
        });
        return;
      case 'messages':
        if (this.failNextMessages > 0) {
          this.failNextMessages--;
          return json(res, 503, { error: { code: 'UNAVAILABLE', message: 'try again' } });
        }
        return json(res, 202, { parts: [] });
      case 'typing':
        return json(res, 202, { forwarded: true });
      case 'presence':
        return json(res, 202, { notified: true });
      case 'end':
        return json(res, 200, handover(id, 'ended'));
      default:
        return void res.writeHead(404).end();
    }
  }
}
