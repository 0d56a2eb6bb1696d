// Everything that can happen to a handover, as plain data for the pure state machine.
import type { EndReason, Failure } from '../model/handover.ts';
import type { ProviderEvent } from '../ports/provider.ts';

export type LifecycleInput =
  /** The provider conversation exists and its live stream is attached: routing starts now. */
  | { readonly kind: 'attached' }
  /** The provider refused to create the conversation (e.g. Genesys `chat.error.invalid.queue`). */
  | { readonly kind: 'start_failed'; readonly failure: Failure }
  | {
      readonly kind: 'provider_event';
      readonly event: ProviderEvent;
      /**
       * Keep the cursor where it is: history before this event has not been read yet (a catch-up
       * failed), so the next catch-up must start from the old cursor, even after a restart.
       */
      readonly holdCursor?: boolean;
    }
  /** The bot ended the handover (the customer leaves). */
  | { readonly kind: 'customer_ended' }
  /** The gateway ends the handover for its own reason (stream lost past grace, inactivity, expiry…). */
  | {
      readonly kind: 'terminate';
      readonly reason: EndReason;
      readonly message?: string;
      readonly failure?: Failure;
    };
