// What one API key may use. The values come from the configuration (`limits`, and a key's own
// `limits`); the API only enforces them. Defaults and units: README "Limits", docs/security.md.
export interface KeyLimits {
  /** Requests per 1 s window; more get 429 RATE_LIMITED with Retry-After. */
  readonly requestsPerSecond: number;
  /** Unended handovers this key started. */
  readonly openHandovers: number;
  /** Open SSE streams of this key. */
  readonly sseStreams: number;
  /** Open SSE streams of one handover (any key). */
  readonly sseStreamsPerHandover: number;
  /** Characters in one customer message text. */
  readonly maxMessageLength: number;
}
