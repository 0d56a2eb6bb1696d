// What both raw relays (`raw-relay.ts`, `raw-om-relay.ts`) share, as plainly as node:http allows:
// the bot's side of the API (start a handover, send a message, their counters) and the posts to the
// bot's webhook. Each relay brings its own Genesys side.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { httpJson } from './http-client.ts';

export interface RelayStats {
  created: number;
  toAgent: number;
  toBot: number;
  errors: number;
}

export interface RawRelayHandlers {
  readonly stats: RelayStats;
  /** Starts a handover; resolves with its id. */
  create(displayName: string): Promise<string>;
  /** Queues the bot's message for the agent; false when the handover is unknown. */
  send(id: string, text: string): boolean;
  live(): number;
  /** Another POST route (a Genesys webhook): handled when it answers true. */
  post?(url: string, body: unknown, res: ServerResponse): boolean;
}

/**
 *   POST /handovers {displayName}        → 201 {id}
 *   POST /handovers/{id}/messages {text} → 202 at once (the relay sends it in order)
 *   GET  /stats                          → the counters
 */
export function rawRelayServer(h: RawRelayHandlers): Server {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const url = req.url ?? '/';
        const body = req.method === 'POST' ? await readJson(req) : undefined;
        if (req.method === 'POST' && h.post?.(url, body, res) === true) return;
        const m = /^\/handovers\/([^/]+)\/messages$/.exec(url);
        if (req.method === 'POST' && m) return answer(res, h.send(m[1]!, String(body.text)) ? 202 : 404);
        if (req.method === 'POST' && url === '/handovers')
          return answer(res, 201, { id: await h.create(String(body.displayName)) });
        if (req.method === 'GET' && url === '/stats') return answer(res, 200, { ...h.stats, live: h.live() });
        answer(res, 404);
      } catch (err) {
        answer(res, 500, { error: err instanceof Error ? err.message : String(err) });
      }
    })();
  });
  server.keepAliveTimeout = 60_000;
  return server;
}

/** One agent message to the bot's webhook, counted. */
export async function postToBot(webhookUrl: string, event: unknown, stats: RelayStats): Promise<void> {
  try {
    await httpJson('POST', webhookUrl, event);
    stats.toBot += 1;
  } catch {
    stats.errors += 1;
  }
}

async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}

export function answer(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
