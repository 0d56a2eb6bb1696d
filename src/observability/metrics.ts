// Prometheus metrics (GET /metrics). One registry per gateway instance — no prom-client global
// default registry, so two gateways in one process (tests) do not share counters.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { HandoverStates, type HandoverState } from '../core/model/handover.ts';

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly providerCalls: Counter<'operation' | 'status'>;
  readonly webhookDeliveries: Counter<'outcome'>;
  readonly circuitOpen: Gauge<'environment'>;

  constructor(countByState: () => Promise<Record<HandoverState, number>>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'genesys_handover_' });
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
    this.webhookDeliveries = new Counter({
      name: 'genesys_handover_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome (delivered, retry, dead).',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
  }

  /**
   * Numbers the providers keep (Open Messaging: notification channels and topics, token refreshes,
   * rate-limit pauses), read at each scrape: `genesys_handover_provider{endpoint, stat}`.
   */
  observeProviders(read: () => Iterable<{ endpoint: string; stats: Readonly<Record<string, number>> }>): void {
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
}
