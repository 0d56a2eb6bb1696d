// Several gateway instances on one PostgreSQL database (store.singleInstance: false; issue 14,
// docs/scale-out.md): the leases, the LISTEN/NOTIFY notifier and the readiness of the database, picked
// here so start-gateway.ts only wires what it gets. Anything else (SQLite, one PostgreSQL instance)
// runs alone: it owns every handover, and its notifier is in-process.
import type { GatewayConfig } from '../config/schema.ts';
import type { EventNotifier } from '../core/ports/notifier.ts';
import type { LeaseStore } from '../core/ports/ownership.ts';
import type { Scheduler, TimerHandle } from '../core/ports/scheduler.ts';
import type { Store } from '../core/ports/store/index.ts';
import { InProcessNotifier } from '../delivery/in-process-notifier.ts';
import { PostgresStore } from '../store/postgres/postgres-store.ts';

export interface ClusterParts {
  readonly notifier: EventNotifier;
  /** Absent for one instance alone. */
  readonly leases?: { readonly store: LeaseStore; readonly leaseMs: number };
  /** Readiness problems of the database (unreachable, notifications down), kept fresh by `start`. */
  problems(): string[];
  start(): void;
  stop(): void;
}

/** How often the database is pinged for readiness, ms. */
const PING_EVERY_MS = 2_000;

export async function clusterParts(
  config: GatewayConfig,
  store: Store,
  opts: { instanceId: string; scheduler: Scheduler },
): Promise<ClusterParts> {
  const settings = config.store;
  const pg = store instanceof PostgresStore ? store : undefined;
  const several = settings.kind === 'postgres' && !settings.singleInstance && pg !== undefined;
  const leaseMs = settings.kind === 'postgres' ? settings.leaseSeconds * 1000 : 0;
  const bus = new InProcessNotifier();
  const shared = several ? await pg.cluster({ instanceId: opts.instanceId, leaseMs, bus }) : undefined;
  let reachable = true;
  let timer: TimerHandle | undefined;
  return {
    notifier: shared?.notifier ?? bus,
    ...(shared ? { leases: { store: shared.leases, leaseMs } } : {}),
    problems: () => [
      ...(reachable ? [] : ['database: unreachable']),
      ...(shared && !shared.listening() ? ['database: notifications (LISTEN) not connected'] : []),
    ],
    start: () => {
      if (!pg) return;
      timer = opts.scheduler.every(PING_EVERY_MS, () => {
        pg.ping().then(
          () => (reachable = true),
          () => (reachable = false),
        );
      });
    },
    stop: () => timer?.cancel(),
  };
}
