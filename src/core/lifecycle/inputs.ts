// Everything that can happen to a handover, as plain data for the pure state machine.
import type { EndReason, Failure } from '../model/handover.ts';
import type { ProviderEvent } from '../ports/provider.ts';

export type LifecycleInput =
  /** The provider conversation exists and its live stream is attached: routing starts now. */
  | { readonly kind: 'attached' }
  /** The provider refused to create the conversation (e.g. Genesys `chat.error.invalid.queue`). */
  | { readonly kind: 'start_failed'; readonly failure: Failure }
  /** Something happened at the provider, read live or by a catch-up — always in provider order. */
  | { readonly kind: 'provider_event'; readonly event: ProviderEvent }
  /**
   * An end was asked for (the bot's /end, an idle limit). The handover closes: pending messages go
   * out, the provider conversation is left, a last catch-up runs — then `terminate` ends it.
   */
  | {
      readonly kind: 'end_requested';
      readonly reason: EndReason;
      readonly message?: string;
      readonly at: string;
    }
  /** The contact center's current wait estimate for the queued conversation (issue 17). */
  | {
      readonly kind: 'wait_estimate';
      readonly estimatedWaitSeconds?: number;
      readonly position?: number;
    }
  /** The handover ends now (a closing completed, the stream was lost past its grace, a refusal…). */
  | {
      readonly kind: 'terminate';
      readonly reason: EndReason;
      readonly message?: string;
      readonly failure?: Failure;
    };
