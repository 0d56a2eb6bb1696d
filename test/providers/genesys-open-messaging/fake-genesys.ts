// A small scriptable stand-in for Genesys on 127.0.0.1:0, for the client's unit tests: the token
// endpoint, any API route a test scripts, and notification channels with their WebSockets. It is
// test scaffolding, not the emulator (src/emulator is another, independent reading of the protocol).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const CLIENT_ID = 'client-id-1';
export const CLIENT_SECRET = 'client-secret-0123456789';

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export type Reply =
  | {
      readonly status?: number;
      readonly body?: unknown;
      readonly raw?: string;
      readonly headers?: Record<string, string>;
    }
  | 'hang';

type Handler = (req: FakeRequest) => Reply | Promise<Reply>;

interface FakeChannel {
  readonly id: string;
  readonly topics: Set<string>;
  readonly sockets: Set<WebSocket>;
}

export class FakeGenesys {
  readonly requests: FakeRequest[] = [];
  readonly channels = new Map<string, FakeChannel>();
  /** Tokens the API accepts. */
  readonly validTokens = new Set<string>();
  /** `expires_in` of issued tokens, seconds. */
  tokenLifetimeSec = 86_399;
  /** When set, WebSocket handshakes are refused with this status. */
  rejectHandshakes: number | undefined;
  /** `expires` of new channels (ISO), if set. */
  channelExpires: (() => string) | undefined;
  tokensIssued = 0;
  readonly #routes: { method: string; path: RegExp; handler: Handler }[] = [];
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  #channelSeq = 0;
  url = '';

  private constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const rec: FakeRequest = {
          method: req.method ?? '',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(rec);
        void this.#answer(rec).then((reply) => {
          if (reply === 'hang') return;
          res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
          res.end(reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body)));
        });
      });
    });
    this.#wss = new WebSocketServer({
      noServer: true,
    });
    this.#server.on('upgrade', (req, socket, head) => {
      const id = /^\/channels\/([^/]+)$/.exec(req.url ?? '')?.[1];
      const channel = id === undefined ? undefined : this.channels.get(id);
      if (this.rejectHandshakes !== undefined || channel === undefined) {
        socket.end(`HTTP/1.1 ${this.rejectHandshakes ?? 404} Refused\r\nConnection: close\r\n\r\n`);
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        channel.sockets.add(ws);
        ws.on('close', () => channel.sockets.delete(ws));
      });
    });
    this.#defaultRoutes();
  }

  static async start(): Promise<FakeGenesys> {
    const fake = new FakeGenesys();
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.#server.address() as AddressInfo).port}`;
    return fake;
  }

  /** Scripts a route; later routes win. `path` matches the whole pathname. */
  route(method: string, path: string | RegExp, handler: Handler): void {
    const re =
      typeof path === 'string' ? new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : path;
    this.#routes.unshift({ method, path: re, handler });
  }

  /** Requests to `path` (and `method`), in order. */
  calls(method: string, path: string | RegExp): FakeRequest[] {
    return this.requests.filter(
      (r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
    );
  }

  /** Sends `frame` (JSON; a string is sent as is) on every socket of channels subscribed to `topic` (or of `channelId`). */
  push(frame: unknown, where: { topic: string } | { channelId: string }): number {
    let sent = 0;
    for (const ch of this.channels.values()) {
      if ('topic' in where ? !ch.topics.has(where.topic) : ch.id !== where.channelId) continue;
      for (const ws of ch.sockets) {
        ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
        sent++;
      }
    }
    return sent;
  }

  openSockets(channelId?: string): number {
    let n = 0;
    for (const ch of this.channels.values())
      if (channelId === undefined || ch.id === channelId) n += ch.sockets.size;
    return n;
  }

  /** Cuts every socket (or one channel's) without a close frame. */
  dropSockets(channelId?: string): void {
    for (const ch of this.channels.values()) {
      if (channelId !== undefined && ch.id !== channelId) continue;
      for (const ws of ch.sockets) ws.terminate();
    }
  }

  async close(): Promise<void> {
    for (const ws of this.#wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #answer(req: FakeRequest): Promise<Reply> {
    for (const r of this.#routes) {
      if (r.method === req.method && r.path.test(req.path)) return r.handler(req);
    }
    return { status: 404, body: { message: 'no route', code: 'not.found', status: 404 } };
  }

  #authorized(req: FakeRequest): boolean {
    const auth = req.headers.authorization ?? '';
    return auth.startsWith('Bearer ') && this.validTokens.has(auth.slice(7));
  }

  #defaultRoutes(): void {
    const expectedBasic = 'Basic ' + Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
    this.route('POST', '/login/oauth/token', (req) => {
      if (req.headers.authorization !== expectedBasic) {
        return {
          status: 401,
          body: {
            error: 'invalid_client',
            description: 'authentication failed',
            error_description: 'authentication failed',
          },
        };
      }
      const token = `tok-${++this.tokensIssued}`;
      this.validTokens.add(token);
      return { body: { access_token: token, token_type: 'bearer', expires_in: this.tokenLifetimeSec } };
    });
    // Everything under /api/ needs a valid bearer token (§1.4: 401 otherwise).
    this.route('GET', /^\/api\/.*/, (req) => this.#unauthorized(req));
    this.route('POST', /^\/api\/.*/, (req) => this.#unauthorized(req));
    this.route('POST', '/api/v2/notifications/channels', (req) => {
      if (!this.#authorized(req)) return this.#unauthorized(req);
      const id = `ch-${++this.#channelSeq}`;
      this.channels.set(id, { id, topics: new Set(), sockets: new Set() });
      return {
        body: {
          id,
          connectUri: `${this.url.replace('http', 'ws')}/channels/${id}`,
          ...(this.channelExpires === undefined ? {} : { expires: this.channelExpires() }),
        },
      };
    });
    const subs = /^\/api\/v2\/notifications\/channels\/([^/]+)\/subscriptions$/;
    const change = (mode: 'PUT' | 'POST') => (req: FakeRequest) => {
      if (!this.#authorized(req)) return this.#unauthorized(req);
      const ch = this.channels.get(subs.exec(req.path)?.[1] ?? '');
      if (ch === undefined) return { status: 404, body: { code: 'not.found', status: 404 } };
      const topics = (JSON.parse(req.body) as { id: string }[]).map((t) => t.id);
      if (mode === 'PUT') ch.topics.clear();
      for (const t of topics) ch.topics.add(t);
      return { body: { entities: [...ch.topics].map((id) => ({ id, state: 'Permitted' })) } };
    };
    this.route('PUT', subs, change('PUT'));
    this.route('POST', subs, change('POST'));
    this.route('DELETE', subs, (req) => {
      const ch = this.channels.get(subs.exec(req.path)?.[1] ?? '');
      ch?.topics.clear();
      return { status: 204 };
    });
  }

  #unauthorized(req: FakeRequest): Reply {
    if (this.#authorized(req))
      return { status: 404, body: { message: 'no route', code: 'not.found', status: 404 } };
    return {
      status: 401,
      body: {
        message: 'Invalid login credentials.',
        code: 'bad.credentials',
        status: 401,
        contextId: 'ctx-401',
      },
    };
  }
}

/** Wraps a handler so it answers 401 unless the request carries a valid token. */
export function authorized(fake: FakeGenesys, handler: Handler): Handler {
  return (req) => {
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !fake.validTokens.has(auth.slice(7))) {
      return {
        status: 401,
        body: { message: 'Invalid login credentials.', code: 'bad.credentials', status: 401 },
      };
    }
    return handler(req);
  };
}
