// Prometheus metrics (GET /metrics). One registry per gateway instance — no prom-client global
// default registry, so two gateways in one process (tests) do not share counters.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { HandoverStates, type HandoverState } from '../core/model/handover.ts';
import type { EngineObserver } from '../core/ports/engine-observer.ts';
import type { OutboxStats } from '../core/ports/store/index.ts';
import { registerProcessMetrics } from './process-metrics.ts';

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly providerCalls: Counter<'operation' | 'status'>;
  readonly webhookDeliveries: Counter<'outcome'>;
  readonly circuitOpen: Gauge<'environment'>;
  /** Open SSE responses (GET /v1/handovers/{id}/events). */
  readonly sseConnections: Gauge;
  /** Provider events whose commit kept failing, parked (docs/reliability.md). */
  readonly parkedEvents: Counter<'type'>;
  readonly #providerCallSeconds: Histogram<'operation' | 'status'>;
  readonly #httpSeconds: Histogram<'method' | 'route' | 'status'>;
  readonly #eventSettledSeconds: Histogram<'type' | 'outcome'>;

  constructor(countByState: () => Promise<Record<HandoverState, number>>) {
    // Node's process metrics under their standard names (process_cpu_seconds_total,
    // nodejs_eventloop_lag_seconds, …), so stock dashboards and alerts find them.
    registerProcessMetrics(this.registry);
    this.#httpSeconds = new Histogram({
      name: 'genesys_handover_http_request_duration_seconds',
      help: 'HTTP requests by method, route (the pattern, not the path) and status: time to the response. Event streams count when they end.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.#eventSettledSeconds = new Histogram({
      name: 'genesys_handover_webhook_event_latency_seconds',
      help: "Webhook events from the moment they occurred (e.g. the agent's message received from Genesys) to the bot's 2xx (outcome delivered) or to giving up (dead), by event type.",
      labelNames: ['type', 'outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
      registers: [this.registry],
    });
    this.#providerCallSeconds = new Histogram({
      name: 'genesys_handover_genesys_call_duration_seconds',
      help: 'Genesys API calls by operation and HTTP status ("network" when no response arrived): time to the response.',
      labelNames: ['operation', 'status'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    new Gauge({
      name: 'genesys_handover_handovers',
      help: 'Handovers by state.',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        const counts = await countByState();
        for (const state of HandoverStates) this.set({ state }, counts[state]);
      },
    });
    this.parkedEvents = new Counter({
      name: 'genesys_handover_parked_provider_events_total',
      help: 'Provider events (agent messages, participant changes) whose commit kept failing: parked in the store instead of holding up their handover. Any is worth an alert.',
      labelNames: ['type'],
      registers: [this.registry],
    });
    this.providerCalls = new Counter({
      name: 'genesys_handover_genesys_calls_total',
      help: 'Genesys API calls by operation and HTTP status ("network" when no response arrived).',
      labelNames: ['operation', 'status'],
      registers: [this.registry],
    });
    this.circuitOpen = new Gauge({
      name: 'genesys_handover_genesys_circuit_open',
      help: '1 while calls to a Genesys environment are paused by the circuit breaker.',
      labelNames: ['environment'],
      registers: [this.registry],
    });
    this.sseConnections = new Gauge({
      name: 'genesys_handover_sse_connections',
      help: 'Open Server-Sent Events streams (GET /v1/handovers/{id}/events).',
      registers: [this.registry],
    });
    this.webhookDeliveries = new Counter({
      name: 'genesys_handover_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome (delivered, retry, dead).',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
  }

  /**
   * The store's group commits (store/group-commit.ts): batches and the writes in them, by outcome —
   * `committed` in one transaction, or `split` (the batch failed and each write ran alone, one
   * commit each: a batch that splits costs a commit per write).
   */
  observeStoreBatches(): (size: number, committed: boolean) => void {
    const batches = new Counter({
      name: 'genesys_handover_store_batches_total',
      help: 'Group-commit batches by outcome: committed as one transaction, or split (a write failed, each write ran alone).',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    const writes = new Counter({
      name: 'genesys_handover_store_batch_writes_total',
      help: 'Writes in group-commit batches by the outcome of their batch (committed, split).',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    return (size, committed) => {
      const outcome = committed ? 'committed' : 'split';
      batches.inc({ outcome });
      writes.inc({ outcome }, size);
    };
  }

  /** One Genesys API call: counted, and its duration observed. */
  observeProviderCall(operation: string, status: string, seconds: number): void {
    this.providerCalls.inc({ operation, status });
    this.#providerCallSeconds.observe({ operation, status }, seconds);
  }

  /** A webhook event delivered or dead-lettered, `seconds` after it occurred. */
  observeEventSettled(type: string, outcome: string, seconds: number): void {
    this.#eventSettledSeconds.observe({ type, outcome }, Math.max(0, seconds));
  }

  /** One HTTP request answered by the gateway; `route` is the matched pattern ("unmatched" for 404s). */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.#httpSeconds.observe({ method, route, status: String(status) }, seconds);
  }

  /**
   * Numbers the providers keep (Open Messaging: notification channels and topics, token refreshes,
   * rate-limit pauses), read at each scrape: `genesys_handover_provider{endpoint, stat}`.
   */
  observeProviders(
    read: () => Iterable<{ endpoint: string; stats: Readonly<Record<string, number>> }>,
  ): void {
    new Gauge({
      name: 'genesys_handover_provider',
      help: "The providers' own numbers by endpoint (counters count since start).",
      labelNames: ['endpoint', 'stat'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { endpoint, stats } of read())
          for (const [stat, value] of Object.entries(stats)) this.set({ endpoint, stat }, value);
      },
    });
  }

  /**
   * The webhook outbox, read from the store at each scrape (one read shared by the three gauges):
   * deliveries owed, the age of the oldest one, dead letters. `nowMs`: the gateway's clock.
   */
  observeOutbox(read: () => Promise<OutboxStats>, nowMs: () => number): void {
    let reading: Promise<OutboxStats> | undefined;
    // The three collect() calls of one scrape run together: they share the read in flight.
    const stats = (): Promise<OutboxStats> =>
      (reading ??= read().finally(() => {
        reading = undefined;
      }));
    new Gauge({
      name: 'genesys_handover_outbox_pending',
      help: 'Webhook deliveries owed (due now or waiting for a retry).',
      registers: [this.registry],
      async collect() {
        this.set((await stats()).pending);
      },
    });
    new Gauge({
      name: 'genesys_handover_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest webhook delivery owed, from the moment its event occurred (0 when none).',
      registers: [this.registry],
      async collect() {
        const oldest = (await stats()).oldestPendingAt;
        this.set(oldest === undefined ? 0 : Math.max(0, (nowMs() - Date.parse(oldest)) / 1000));
      },
    });
    new Gauge({
      name: 'genesys_handover_dead_letters',
      help: 'Webhook events given up on (dead letters), waiting for a replay.',
      registers: [this.registry],
      async collect() {
        this.set((await stats()).dead);
      },
    });
  }

  /**
   * Live connections to Genesys by endpoint, read at each scrape from the providers' own numbers:
   * guest-chat event streams (one WebSocket per live handover, stat `event_streams`) and Open
   * Messaging notification channels (one WebSocket for many handovers, stat `notification_channels`).
   */
  observeGenesysStreams(
    read: () => Iterable<{ endpoint: string; stats: Readonly<Record<string, number>> }>,
  ): void {
    const kinds = { event_streams: 'event_stream', notification_channels: 'notification_channel' } as const;
    new Gauge({
      name: 'genesys_handover_genesys_streams',
      help: 'Live connections to Genesys by endpoint and kind: guest-chat event streams (one per live handover), Open Messaging notification channels (many handovers each).',
      labelNames: ['endpoint', 'kind'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { endpoint, stats } of read())
          for (const [stat, kind] of Object.entries(kinds))
            if (stats[stat] !== undefined) this.set({ endpoint, kind }, stats[stat]);
      },
    });
  }

  /** The engine's observer: stream reconnects, catch-ups, bot→Genesys relay latency, by provider kind. */
  engineObserver(): EngineObserver {
    const reconnects = new Counter({
      name: 'genesys_handover_stream_reconnects_total',
      help: "Times a handover's live Genesys stream dropped and was reconnected, by provider.",
      labelNames: ['provider'],
      registers: [this.registry],
    });
    const catchUps = new Counter({
      name: 'genesys_handover_catch_ups_total',
      help: "Catch-ups by provider: the conversation's history read after an attach, a reconnect or a gap.",
      labelNames: ['provider'],
      registers: [this.registry],
    });
    const relay = new Histogram({
      name: 'genesys_handover_bot_message_relay_seconds',
      help: "The bot's messages from the gateway accepting them (202) to Genesys accepting the send, by provider.",
      labelNames: ['provider'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [this.registry],
    });
    return {
      streamReconnecting: (provider) => reconnects.inc({ provider }),
      catchUpStarted: (provider) => catchUps.inc({ provider }),
      relayedToProvider: (provider, ms) => relay.observe({ provider }, Math.max(0, ms) / 1000),
    };
  }

  /**
   * Several instances (docs/scale-out.md): handovers owned here, lease renewal latency, takeovers
   * from other instances, commits and leases refused by a fence. Returns the keeper's observer.
   */
  observeLeases(): {
    renewed(ms: number): void;
    tookOver(count: number): void;
    fenced(): void;
    owned(count: number): void;
  } {
    const owned = new Gauge({
      name: 'genesys_handover_owned_handovers',
      help: 'Live handovers this instance owns (holds the lease of).',
      registers: [this.registry],
    });
    const renew = new Histogram({
      name: 'genesys_handover_lease_renew_seconds',
      help: "How long renewing this instance's leases took.",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    const takeovers = new Counter({
      name: 'genesys_handover_takeovers_total',
      help: 'Handovers this instance took over from another one (dead, stalled or handing back).',
      registers: [this.registry],
    });
    const fenced = new Counter({
      name: 'genesys_handover_fencing_rejections_total',
      help: 'Commits refused because this instance no longer held the lease.',
      registers: [this.registry],
    });
    return {
      renewed: (ms) => renew.observe(ms / 1000),
      tookOver: (count) => takeovers.inc(count),
      fenced: () => fenced.inc(),
      owned: (count) => owned.set(count),
    };
  }
}
