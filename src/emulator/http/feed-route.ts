// GET /emulator/v1/events — the agent feed as Server-Sent Events (the agent console's live view).
// Frames: `event: conversation|message|typing`, `data: <FeedEvent JSON>`. Nothing is replayed: a
// client that (re)connects loads `GET /conversations` (and the open chat) again, then applies events.
import type { FastifyInstance } from 'fastify';
import type { AgentFeed, FeedEvent } from '../agent-feed.ts';
import type { EmulatorContext } from '../context.ts';
import { AGENT_PREFIX } from './paths.ts';

/** Keeps proxies (and the browser) from treating a quiet feed as dead. */
const KEEP_ALIVE_MS = 15_000;

export function registerFeedRoute(app: FastifyInstance, _ctx: EmulatorContext, feed: AgentFeed): void {
  const open = new Set<() => void>();

  app.get(`${AGENT_PREFIX}/events`, (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n: connected\n\n');
    const unsubscribe = feed.subscribe((event: FeedEvent) => {
      // JSON.stringify never emits a raw newline, so one data line is a whole event.
      res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    });
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    keepAlive.unref();
    const stop = (): void => {
      if (!open.delete(stop)) return;
      clearInterval(keepAlive);
      unsubscribe();
      if (!res.writableEnded) res.end();
    };
    open.add(stop);
    request.raw.on('close', stop);
    res.on('error', stop);
  });

  // Open feeds would otherwise hold app.close() until the sockets are forced shut.
  app.addHook('preClose', (done) => {
    for (const stop of [...open]) stop();
    done();
  });
}
