// Tracing as the core sees it: a trace context is a W3C `traceparent` string (what a bot sends, what
// the store keeps with a message), and work runs in a span. The OpenTelemetry adapter lives in
// src/observability; with tracing off the no-op below is all there is. Span attributes never carry
// secrets or message texts: ids, types and counts only.

export type SpanAttributes = Readonly<Record<string, string | number | boolean>>;

export interface SpanOptions {
  /**
   * The parent: a `traceparent` (a kept context, e.g. of the bot's request that sent a message),
   * `null` for none — a new trace (an event that came from Genesys on its own) — or absent for the
   * current context.
   */
  readonly parent?: string | null | undefined;
  readonly attributes?: SpanAttributes;
}

export interface Tracer {
  /** The current context as a `traceparent`, when a span is active (else undefined). */
  current(): string | undefined;
  /** Runs `work` in a new span, ended when it settles (an error marks it failed). */
  inSpan<T>(name: string, options: SpanOptions, work: () => Promise<T>): Promise<T>;
}

export const noTracer: Tracer = {
  current: () => undefined,
  inSpan: (_name, _options, work) => work(),
};
