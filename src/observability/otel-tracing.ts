// The OpenTelemetry SDK for one gateway process (loaded only with `tracing.enabled`):
// - a tracer provider with the W3C trace-context propagator and AsyncLocalStorage context, parent-based
//   sampling (a bot's sampled `traceparent` is followed), spans exported over OTLP/HTTP (the standard
//   OTEL_EXPORTER_OTLP_* variables) in batches;
// - @fastify/otel: a server span per API request, continuing the caller's `traceparent`;
// - the undici instrumentation: a client span per outgoing HTTP call made inside a trace (Genesys
//   calls, webhook deliveries — both go through undici, Node's fetch included), with `traceparent`
//   on the request.
// Attributes carry methods, routes, paths, status codes and ids — never query strings, headers,
// bodies, secrets or message texts. OpenTelemetry's API is process-global: one traced gateway per
// process (a second one replaces the first's registration).
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
} from '@opentelemetry/api';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { SpanOptions, Tracer } from '../core/ports/tracer.ts';
import type { Tracing, TracingOptions, TracingSettings } from './tracing.ts';

/** Probes and the scrape: frequent, and nothing to follow. */
const UNTRACED_PATHS = new Set(['/metrics', '/healthz', '/readyz', '/favicon.ico']);

const pathOf = (url: string): string => url.split('?')[0] ?? '';

export function startOtelTracing(config: TracingSettings, options: TracingOptions): Tracing {
  const exporter = options.exporter as SpanExporter | undefined;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': process.env['OTEL_SERVICE_NAME'] || config.serviceName,
      'service.version': options.version,
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [
      exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(new OTLPTraceExporter()),
    ],
  });
  provider.register();

  const undici = new UndiciInstrumentation({
    // Background calls outside any trace (token refreshes, channel renewals) make no root spans.
    requireParentforSpans: true,
    // The query string may carry ids of people or a token a bot put into its webhook URL.
    startSpanHook: (request) => {
      const url = new URL(request.path, request.origin);
      return { 'url.full': `${url.origin}${url.pathname}`, 'url.query': '' };
    },
  });
  undici.setTracerProvider(provider);
  const fastify = new FastifyOtelInstrumentation({
    ignorePaths: ({ url }) => UNTRACED_PATHS.has(pathOf(url)),
    // One span per request: hook and handler spans would be named after plugin sources.
    instrumentHooks: false,
    instrumentHandler: false,
    requestHook: (span, request) => {
      // Named as HTTP server spans are (method and route pattern, never ids).
      span.updateName(`${request.method} ${request.routeOptions.url ?? 'unmatched'}`);
      // @fastify/otel records the raw URL; the query string stays out (a list filter, a cursor).
      span.setAttribute('url.path', pathOf(request.url));
    },
  });
  fastify.setTracerProvider(provider);

  const tracer = otelTracer(provider.getTracer('genesys-handover', options.version));
  let closing: Promise<void> | undefined;
  return {
    tracer,
    fastifyPlugin: fastify.plugin(),
    close: () =>
      (closing ??= (async () => {
        undici.disable();
        fastify.disable();
        await provider.shutdown();
        trace.disable();
        context.disable();
        propagation.disable();
      })()),
  };
}

function otelTracer(otel: ReturnType<NodeTracerProvider['getTracer']>): Tracer {
  return {
    current() {
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      return carrier['traceparent'];
    },
    inSpan(name, options, work) {
      const parent = parentOf(options);
      const span = otel.startSpan(
        name,
        { kind: SpanKind.INTERNAL, ...(options.attributes ? { attributes: options.attributes } : {}) },
        parent,
      );
      return context.with(trace.setSpan(parent, span), async () => {
        try {
          return await work();
        } catch (err) {
          // The stable code only: error messages may quote what a provider answered.
          span.setStatus({ code: SpanStatusCode.ERROR, message: codeOf(err) });
          throw err;
        } finally {
          span.end();
        }
      });
    },
  };
}

function parentOf(options: SpanOptions): Context {
  if (options.parent === null) return ROOT_CONTEXT;
  if (options.parent === undefined) return context.active();
  // A kept context: a malformed one extracts to nothing, and the span starts a trace of its own.
  return propagation.extract(ROOT_CONTEXT, { traceparent: options.parent });
}

function codeOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string')
    return err.code;
  return err instanceof Error ? err.name : 'error';
}
