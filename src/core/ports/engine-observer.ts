// What the engine tells the metrics about its work: counts and durations by provider kind, never
// ids or texts. The composition root plugs in Prometheus; without one, nothing is reported.

export interface EngineObserver {
  /** A provider's live stream (guest-chat event stream, notification channel) dropped; reconnecting. */
  streamReconnecting(providerKind: string): void;
  /** A catch-up started: the provider's history read after a gap (a reconnect, an attach, a resync). */
  catchUpStarted(providerKind: string): void;
  /** A bot's message reached the provider, `ms` after the gateway accepted it. */
  relayedToProvider(providerKind: string, ms: number): void;
}

export const silentEngineObserver: EngineObserver = {
  streamReconnecting: () => undefined,
  catchUpStarted: () => undefined,
  relayedToProvider: () => undefined,
};
