// startDemoBot(): the demo bot's own server — the customer web chat page (src/web/) and the page API —
// on its own port. It holds the gateway API key; the page never sees it.
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError } from 'fastify';
import { DemoBot, type BotLogger } from './demo-bot.ts';
import { checkEndpoints, type DemoEndpoint } from './endpoints.ts';
import { GatewayClient } from '../client/index.ts';
import { PageApiError, registerPageRoutes } from './http/routes.ts';
import { PresenceTracker } from './presence-tracker.ts';
import { SessionStore } from './session-store.ts';

export interface DemoBotOptions {
  /** The gateway's base URL, e.g. `http://127.0.0.1:8080`. */
  readonly gatewayUrl: string;
  /** A gateway API key allowed to use every endpoint in `endpoints`. Stays on this server. */
  readonly apiKey: string;
  /**
   * The contact centers the page offers under "Contact center" (at least one, unique ids); the
   * first is every new session's default. With just one the page shows it without a choice.
   */
  readonly endpoints: readonly DemoEndpoint[];
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0 (a free port). */
  readonly port?: number;
  /** Sessions kept in memory; the longest idle goes first. Default 1 000. */
  readonly maxSessions?: number;
  /** Default: silent. */
  readonly logger?: BotLogger;
  /** Reconnect delay of the gateway event stream, ms. Default 1 000. */
  readonly retryMs?: number;
  /** A page with no open connection this long counts as gone (presence `away`), ms. Default 5 000. */
  readonly awayAfterMs?: number;
}

export interface RunningDemoBot {
  /** The chat page, e.g. `http://127.0.0.1:8090/`. */
  readonly url: string;
  /** Stops following handovers, closes page streams and the server. Idempotent. */
  close(): Promise<void>;
}

const webRoot = fileURLToPath(new URL('../web/', import.meta.url));

const silent: BotLogger = { info: () => undefined, warn: () => undefined };

/**
 * The page loads only its own files; images may come from elsewhere: avatars and the thumbnails of
 * agents' attachments live at the contact center or wherever the agent's file is.
 */
const CSP = [
  "default-src 'self'",
  "img-src 'self' http: https: data:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export async function startDemoBot(options: DemoBotOptions): Promise<RunningDemoBot> {
  const logger = options.logger ?? silent;
  const bot = new DemoBot({
    client: new GatewayClient({ baseUrl: options.gatewayUrl, apiKey: options.apiKey }),
    endpoints: checkEndpoints(options.endpoints),
    logger,
    ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}),
  });
  const sessions = new SessionStore(options.maxSessions ?? 1000, (s) => bot.forget(s));
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, forceCloseConnections: true });

  app.addHook('onSend', (_request, reply, payload, done) => {
    void reply.header('content-security-policy', CSP);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    done(null, payload);
  });

  app.setErrorHandler((error: FastifyError | PageApiError, _request, reply) => {
    if (error instanceof PageApiError) {
      return reply.code(error.status).send({
        error: {
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        },
      });
    }
    const status = typeof error.statusCode === 'number' && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) logger.warn({ err: error.message }, 'page request failed');
    return reply.code(status).send({
      error: {
        code: status === 500 ? 'internal' : 'bad_request',
        message: status === 500 ? 'Internal error.' : error.message,
      },
    });
  });

  const presence = new PresenceTracker(
    (session, status) => bot.customerPresence(session, status),
    options.awayAfterMs ?? 5000,
  );
  registerPageRoutes(app, bot, sessions, presence);
  await app.register(fastifyStatic, {
    root: webRoot,
    prefix: '/',
    cacheControl: false,
    setHeaders: (res) => {
      res.setHeader('cache-control', 'no-cache');
    },
  });

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('demo bot did not bind a TCP port');
  const host =
    options.host === undefined || options.host === '0.0.0.0' || options.host === '::'
      ? '127.0.0.1'
      : options.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/`;

  let closing: Promise<void> | undefined;
  return {
    url,
    close: () => {
      closing ??= (async () => {
        await bot.close();
        await app.close();
        // After the page streams closed (which start "away" timers): nothing may fire later.
        presence.close();
      })();
      return closing;
    },
  };
}
