// Everything one emulator instance owns, handed to the route modules (no module-level state).
import type { ChatService } from './chat-service.ts';
import type { FaultInjector } from './faults.ts';
import type { EventStreamHub } from './hub.ts';
import type { JwtSigner } from './jwt.ts';
import type { TokenStore } from './oauth/token-store.ts';
import type { InboundService } from './open-messaging/inbound-service.ts';
import type { IntegrationStore } from './open-messaging/integration.ts';
import type { WebhookSender } from './open-messaging/webhook-sender.ts';
import type { ViewContext } from './open-messaging/conversation-view.ts';
import type { UserDirectory } from './platform/users.ts';
import type { ChannelRegistry } from './notifications/channels.ts';
import type { AttachmentStore } from './open-messaging/attachments.ts';
import type { ResolvedOptions } from './options.ts';
import type { Router } from './routing.ts';
import type { ConversationStore } from './store.ts';

export interface EmulatorContext {
  readonly options: ResolvedOptions;
  readonly store: ConversationStore;
  readonly hub: EventStreamHub;
  readonly router: Router;
  readonly chat: ChatService;
  readonly jwt: JwtSigner;
  readonly faults: FaultInjector;
  /** OAuth access tokens of the platform API (§1). */
  readonly tokens: TokenStore;
  /** Open Messaging integrations (§2). */
  readonly integrations: IntegrationStore;
  /** Open Messaging inbound messages, events and receipts (§3). */
  readonly inbound: InboundService;
  /** Outbound webhook calls and their delivery records (§4). */
  readonly webhooks: WebhookSender;
  /** What the platform conversation views need beyond the conversation (§5). */
  readonly conversationViews: ViewContext;
  /** Agents as Genesys users (§4.6). */
  readonly users: UserDirectory;
  /** Notification channels and their subscriptions (§4.6). */
  readonly channels: ChannelRegistry;
  /** Files agents attached to Open Messaging messages (§4.1). */
  readonly attachments: AttachmentStore;
  /** `http://host:port` once listening. */
  readonly baseUrl: () => string;
}
