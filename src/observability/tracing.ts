// Tracing, chosen at start: off (the default) is the core's no-op tracer and nothing else — the
// OpenTelemetry SDK is not even loaded; on, ./otel-tracing.ts sets the SDK up for this process.
import type { FastifyPluginCallback } from 'fastify';
import { noTracer, type Tracer } from '../core/ports/tracer.ts';

/** The `tracing` configuration section (src/config/schema.ts). */
export interface TracingSettings {
  readonly enabled: boolean;
  readonly serviceName: string;
  readonly sampleRatio: number;
}

export interface Tracing {
  readonly tracer: Tracer;
  /** The server spans of the HTTP API (@fastify/otel), registered before any route; absent when off. */
  readonly fastifyPlugin?: FastifyPluginCallback;
  /** Flushes the spans still buffered and takes the SDK down (idempotent). */
  close(): Promise<void>;
}

export interface TracingOptions {
  /** Where spans go instead of OTLP (tests: an in-memory exporter; an SDK `SpanExporter`). */
  readonly exporter?: unknown;
  readonly version: string;
}

const OFF: Tracing = { tracer: noTracer, close: () => Promise.resolve() };

export async function startTracing(config: TracingSettings, options: TracingOptions): Promise<Tracing> {
  if (!config.enabled) return OFF;
  const { startOtelTracing } = await import('./otel-tracing.ts');
  return startOtelTracing(config, options);
}
