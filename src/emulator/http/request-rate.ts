// How fast clients call the Genesys API of the emulator (guest chat and Platform API, not the agent
// API): the arrival time of each request, so a test can check a client's request budget — the
// gateway's per-environment budget — in any one-second window. Only the newest MAX_KEPT are kept.
import type { FastifyInstance } from 'fastify';
import { AGENT_PREFIX, isGuestApi, isPlatformApi } from './paths.ts';

const MAX_KEPT = 20_000;
const WINDOW_MS = 1_000;

export function registerRequestRate(app: FastifyInstance): void {
  let arrivals: number[] = [];
  /** Every request since the last clear, however many arrival times are kept. */
  let total = 0;
  /** The same, by method and route ("GET /api/v2/conversations/messages/:conversationId"). */
  let byRoute = new Map<string, number>();
  app.addHook('onRequest', (request, _reply, done) => {
    if (isGuestApi(request.url) || isPlatformApi(request.url)) {
      total += 1;
      const route = `${request.method} ${request.routeOptions.url ?? '(no route)'}`;
      byRoute.set(route, (byRoute.get(route) ?? 0) + 1);
      arrivals.push(Date.now());
      if (arrivals.length > MAX_KEPT) arrivals = arrivals.slice(-MAX_KEPT / 2);
    }
    done();
  });
  // The busiest one-second window of the kept arrivals, how many requests there were in all since
  // the last clear (and by route), the kept arrivals' first to last (ms).
  app.get(`${AGENT_PREFIX}/request-rate`, () => {
    let busiest = 0;
    let first = 0;
    arrivals.forEach((at, j) => {
      while (at - (arrivals[first] ?? at) >= WINDOW_MS) first += 1;
      busiest = Math.max(busiest, j - first + 1);
    });
    const spanMs = (arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0);
    return { total, byRoute: Object.fromEntries(byRoute), maxPerSecond: busiest, spanMs };
  });
  app.delete(`${AGENT_PREFIX}/request-rate`, () => {
    arrivals = [];
    total = 0;
    byRoute = new Map();
    return { cleared: true };
  });
}
