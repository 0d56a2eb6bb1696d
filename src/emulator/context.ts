// Everything one emulator instance owns, handed to the route modules (no module-level state).
import type { ChatService } from './chat-service.ts';
import type { FaultInjector } from './faults.ts';
import type { EventStreamHub } from './hub.ts';
import type { JwtSigner } from './jwt.ts';
import type { ResolvedOptions } from './options.ts';
import type { PlatformSide } from './platform-side.ts';
import type { Router } from './routing.ts';
import type { ConversationStore } from './store.ts';

/** The guest-chat side's parts plus the platform side's (OAuth, Open Messaging, Notifications). */
export interface EmulatorContext extends Omit<PlatformSide, 'close' | 'notificationHub'> {
  readonly options: ResolvedOptions;
  readonly store: ConversationStore;
  readonly hub: EventStreamHub;
  readonly router: Router;
  readonly chat: ChatService;
  readonly jwt: JwtSigner;
  readonly faults: FaultInjector;
  /** `http://host:port` once listening. */
  readonly baseUrl: () => string;
}
