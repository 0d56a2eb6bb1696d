// Public entry of the Genesys emulator — the guest-chat API and the platform side (OAuth, Open
// Messaging, Notifications) on one port, with one set of queues, agents, agent API and console:
// startEmulator() builds one self-contained instance (own state, own port) and returns a handle to
// close it.
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import { AgentFeed } from './agent-feed.ts';
import { AutoAgent } from './auto-agent.ts';
import { ChatService } from './chat-service.ts';
import type { EmulatorContext } from './context.ts';
import { FaultInjector } from './faults.ts';
import { registerAgentAttachmentRoutes } from './http/agent-attachment-routes.ts';
import { registerAgentAvailabilityRoutes } from './http/agent-availability-routes.ts';
import { registerAgentRoutes } from './http/agent-routes.ts';
import { installBodyParser } from './http/body-parser.ts';
import { installHostCheck } from './http/host-check.ts';
import { CONSOLE_PATH, registerConsoleRoute } from './http/console-route.ts';
import { registerDownloadRoutes } from './http/download-routes.ts';
import { frameworkErrorHandler, installErrorHandling } from './http/error-handler.ts';
import { installFaultHook, registerFaultRoutes } from './http/fault-routes.ts';
import { registerRequestRate } from './http/request-rate.ts';
import { registerFeedRoute } from './http/feed-route.ts';
import { registerGuestRoutes } from './http/guest-routes.ts';
import { registerMediaRoutes } from './http/media-routes.ts';
import { registerNotificationSocketRoute } from './http/notification-socket-route.ts';
import { registerOAuthRoutes } from './http/oauth-routes.ts';
import { AGENT_PREFIX } from './http/paths.ts';
import { registerPlatformRoutes } from './http/platform-routes.ts';
import { registerStreamRoute } from './http/stream-route.ts';
import { registerWebhookDeliveryRoutes } from './http/webhook-delivery-routes.ts';
import { EventStreamHub } from './hub.ts';
import { JwtSigner } from './jwt.ts';
import { resolveOptions, type EmulatorOptions } from './options.ts';
import { buildPlatformSide } from './platform-side.ts';
import { Router } from './routing.ts';
import { ConversationStore } from './store.ts';

export type { QueueConfig } from './queues.ts';
export type { EmulatorOptions } from './options.ts';
export type { OpenIntegrationConfig } from './open-messaging/options.ts';

/** The accept queue of the emulator's port (see the listen below). */
const LISTEN_BACKLOG = 4096;

export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:43817` — the SDK's `config.basePath`. */
  readonly url: string;
  /** The agent console page, e.g. `http://127.0.0.1:43817/console/`. */
  readonly consoleUrl: string;
  readonly host: string;
  readonly port: number;
  /** Stops accepting, terminates every event stream, clears every timer. Idempotent. */
  close(): Promise<void>;
  /** While `close()` runs: the parts not yet stopped (what an overrunning stop waits for). */
  stopping(): string[];
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const resolved = resolveOptions(options);
  const app = Fastify({
    // The event-stream path embeds the guest JWT (§2.3) and guest calls carry it in Authorization:
    // request logs show the path with the token cut out, and no headers.
    logger: resolved.logger
      ? {
          serializers: {
            req: (req: { method: string; url: string }) => ({
              method: req.method,
              url: req.url.replace(/\/(token|jwt)\/[^/?#]+/, '/$1/[REDACTED]'),
            }),
          },
        }
      : false,
    bodyLimit: resolved.bodyLimitBytes,
    // Load tests open many chats; the default 72 s keep-alive is fine, but do not let idle
    // connections hold close() hostage.
    forceCloseConnections: true,
    // The event-stream path embeds the whole JWT (§2.3), far longer than fastify's 100-char default.
    routerOptions: { maxParamLength: 8192 },
    frameworkErrors: frameworkErrorHandler,
  });

  let baseUrl = '';
  const store = new ConversationStore();
  const router = new Router(resolved.queues, resolved.agentCapacity);
  // The hub and the chat service reference each other; the hub's callback runs only after both exist.
  const hub = new EventStreamHub(resolved.heartbeatIntervalMs, {
    onLastDetached: (conversationId) => chat.streamDetached(conversationId),
  });
  const chat = new ChatService({
    store,
    hub,
    router,
    disconnectGraceMs: resolved.disconnectGraceMs,
    avatarUrl: (slug) => `${baseUrl}${AGENT_PREFIX}/avatars/${slug}.svg`,
  });
  const faults = new FaultInjector();
  const autoAgent = resolved.autoAgent ? new AutoAgent(chat, resolved.autoAgent) : undefined;
  const feed = new AgentFeed(store, hub, router);
  const platform = buildPlatformSide({
    options: resolved,
    chat,
    router,
    store,
    faults,
    baseUrl: () => baseUrl,
  });
  const { close: closePlatform, notificationHub, ...platformParts } = platform;
  const ctx: EmulatorContext = {
    options: resolved,
    store,
    hub,
    router,
    chat,
    jwt: new JwtSigner(resolved.jwtLifetimeSeconds),
    faults,
    ...platformParts,
    baseUrl: () => baseUrl,
  };

  installErrorHandling(app, resolved.bodyLimitBytes);
  installHostCheck(app, [resolved.host, ...resolved.allowedHosts]);
  installBodyParser(app);
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  installFaultHook(app, ctx);
  registerRequestRate(app);
  registerGuestRoutes(app, ctx);
  registerMediaRoutes(app, ctx);
  registerStreamRoute(app, ctx);
  registerAgentRoutes(app, ctx);
  registerAgentAttachmentRoutes(app, ctx);
  registerAgentAvailabilityRoutes(app, ctx);
  registerFaultRoutes(app, ctx);
  registerWebhookDeliveryRoutes(app, ctx);
  registerNotificationSocketRoute(app, ctx, notificationHub);
  registerDownloadRoutes(app, ctx);
  registerFeedRoute(app, ctx, feed);
  registerOAuthRoutes(app, ctx);
  await registerPlatformRoutes(app, ctx);
  await registerConsoleRoute(app);

  // Genesys' edge takes a burst of connections (a gateway restart re-attaches every chat at once);
  // Node's default accept queue (511) drops the SYNs past it, which the client's TCP retries only
  // a second later. The kernel caps this at net.core.somaxconn.
  await app.listen({ host: resolved.host, port: resolved.port, backlog: LISTEN_BACKLOG });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('emulator did not bind a TCP port');
  const urlHost = resolved.host === '0.0.0.0' || resolved.host === '::' ? '127.0.0.1' : resolved.host;
  baseUrl = `http://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${address.port}`;

  let closing: Promise<void> | undefined;
  /**
   * The part of close() running now (they run one after another). Not the gateway's ShutdownSteps:
   * the emulator imports nothing from outside its folder (it stands for Genesys).
   */
  let stage: string | undefined;
  const step = async (name: string, work: () => Promise<void>): Promise<void> => {
    stage = name;
    await work();
    stage = undefined;
  };
  return {
    url: baseUrl,
    consoleUrl: `${baseUrl}${CONSOLE_PATH}`,
    host: urlHost,
    port: address.port,
    stopping: () => (stage === undefined ? [] : [stage]),
    close: () => {
      closing ??= (async () => {
        autoAgent?.close();
        faults.close();
        await step('platform (webhooks to the integration)', () => closePlatform());
        feed.close();
        chat.close();
        hub.shutdown();
        await step('http server', () => app.close());
      })();
      return closing;
    },
  };
}
