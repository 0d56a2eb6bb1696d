// The platform side of the emulator — OAuth (§1), Open Messaging (§2–§6) and the Notifications API
// (§4.6) of the OM protocol doc — built on the chat service, router and store it shares with the
// guest-chat side, so an agent handles both kinds of conversation alike.
import type { ChatService } from './chat-service.ts';
import type { FaultInjector } from './faults.ts';
import { EventStreamHub } from './hub.ts';
import { AcwTracker } from './notifications/acw-tracker.ts';
import { ChannelRegistry } from './notifications/channels.ts';
import { ConversationNotifier } from './notifications/conversation-notifier.ts';
import type { NotificationFrame } from './notifications/frames.ts';
import { TokenStore } from './oauth/token-store.ts';
import { AttachmentStore } from './open-messaging/attachments.ts';
import type { ViewContext } from './open-messaging/conversation-view.ts';
import { InboundService } from './open-messaging/inbound-service.ts';
import { IntegrationStore } from './open-messaging/integration.ts';
import { OutboundBridge } from './open-messaging/outbound-bridge.ts';
import { OpenSessions } from './open-messaging/sessions.ts';
import { WebhookSender } from './open-messaging/webhook-sender.ts';
import type { ResolvedOptions } from './options.ts';
import { ArchitectStore } from './platform/architect-schedules.ts';
import { PlatformRequestLog } from './platform/request-log.ts';
import { UserDirectory } from './platform/users.ts';
import type { WaitEstimateOptions } from './platform/wait-estimates.ts';
import type { Router } from './routing.ts';
import type { ConversationStore } from './store.ts';

export interface PlatformSide {
  /** OAuth access tokens of the platform API (OM §1). */
  readonly tokens: TokenStore;
  /** Open Messaging integrations (OM §2). */
  readonly integrations: IntegrationStore;
  /** Open Messaging inbound messages, events and receipts (OM §3). */
  readonly inbound: InboundService;
  /** Outbound webhook calls and their delivery records (OM §4). */
  readonly webhooks: WebhookSender;
  /** What the platform conversation views need beyond the conversation (OM §5). */
  readonly conversationViews: ViewContext;
  /** Agents as Genesys users (OM §4.6). */
  readonly users: UserDirectory;
  /** Schedules, schedule groups and emergency groups (OM §7.5). */
  readonly architect: ArchitectStore;
  /** Platform API requests answered, by route (agent API: GET /emulator/v1/platform-requests). */
  readonly platformRequests: PlatformRequestLog;
  /** How estimated waits are computed (OM §7.1). */
  readonly waitEstimates: WaitEstimateOptions;
  /** Notification channels and their subscriptions (OM §4.6). */
  readonly channels: ChannelRegistry;
  /** Files agents attached (§4.1 download URLs). */
  readonly attachments: AttachmentStore;
  /** Sockets of notification channels, keyed by channel id. */
  readonly notificationHub: EventStreamHub<NotificationFrame>;
  readonly close: () => Promise<void>;
}

export interface PlatformDeps {
  readonly options: ResolvedOptions;
  readonly chat: ChatService;
  readonly router: Router;
  readonly store: ConversationStore;
  readonly faults: FaultInjector;
  readonly baseUrl: () => string;
}

export function buildPlatformSide(deps: PlatformDeps): PlatformSide {
  const { options, chat, router, store } = deps;
  for (const name of options.offQueueAgents) {
    const agent = router.agentByName(name);
    if (!agent) throw new RangeError(`emulator option offQueueAgents names no configured agent: "${name}"`);
    router.setPresence(agent.key, 'Available', new Date().toISOString());
  }
  const integrations = new IntegrationStore(options.integrationProvisioningMs);
  for (const configured of options.openIntegrations) {
    integrations.create(
      {
        name: configured.name,
        outboundNotificationWebhookUrl: configured.outboundNotificationWebhookUrl,
        outboundNotificationWebhookSignatureSecretToken:
          configured.outboundNotificationWebhookSignatureSecretToken,
        webhookHeaders: configured.webhookHeaders,
      },
      'emulator',
      { ...(configured.id !== undefined ? { id: configured.id } : {}), ready: true },
    );
  }
  const webhooks = new WebhookSender(
    {
      timeoutMs: options.webhookTimeoutMs,
      retries: options.webhookRetries,
      retryDelayMs: options.webhookRetryDelayMs,
    },
    deps.faults,
  );
  // Subscribes itself to the chat service: agent/bot messages and agent typing become webhook calls.
  new OutboundBridge(chat, integrations, webhooks, options.typingDurationMs);

  const notificationHub = new EventStreamHub<NotificationFrame>(options.notificationHeartbeatIntervalMs, {
    onLastDetached: () => undefined,
  });
  const channels = new ChannelRegistry(options, notificationHub);
  const acw = new AcwTracker(options.acwDurationMs);
  const conversationViews: ViewContext = {
    rejectDisconnectType: options.rejectDisconnectType,
    acwOf: (participantId) => acw.acwOf(participantId),
  };
  // Subscribes itself to the chat service: participant changes become detail and queue events.
  new ConversationNotifier(chat, {
    channels,
    acw,
    views: conversationViews,
    userStartOn: options.userStartOn,
  });

  return {
    tokens: new TokenStore({
      clients: options.oauthClients,
      tokenLifetimeSeconds: options.tokenLifetimeSeconds,
      requestsPerMinute: options.tokenRequestsPerMinute,
    }),
    integrations,
    inbound: new InboundService({ chat, router, integrations, sessions: new OpenSessions(store), options }),
    webhooks,
    conversationViews,
    users: new UserDirectory(router, store, deps.baseUrl),
    architect: new ArchitectStore(options.businessHours),
    waitEstimates: options.waitEstimates,
    platformRequests: new PlatformRequestLog(),
    channels,
    attachments: new AttachmentStore(deps.baseUrl),
    notificationHub,
    close: async () => {
      await webhooks.close();
      integrations.close();
      acw.close();
      channels.close();
      notificationHub.shutdown();
    },
  };
}
