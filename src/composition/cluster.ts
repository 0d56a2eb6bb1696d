// Several gateway instances on one PostgreSQL database (store.singleInstance: false; issue 14,
// docs/scale-out.md): the leases, the LISTEN/NOTIFY notifier and the readiness of the database, picked
// here so start-gateway.ts only wires what it gets. Anything else (SQLite, one PostgreSQL instance)
// runs alone: it owns every handover, and its notifier is in-process.
import type { GatewayConfig } from '../config/schema.ts';
import type { Logger as PinoLogger } from 'pino';
import type { HandoverEngine } from '../core/engine/handover-engine.ts';
import type { LeaseKeeper } from '../core/engine/lease-keeper.ts';
import { PushedRelay } from '../core/engine/pushed-relay.ts';
import type { EventNotifier, Unsubscribe } from '../core/ports/notifier.ts';
import type { ReceiptService } from '../core/services/receipt-service.ts';
import type { OwnerNotes } from '../core/ports/owner-notes.ts';
import type { LeaseStore } from '../core/ports/ownership.ts';
import type { PushedInbox } from '../core/ports/pushed-inbox.ts';
import type { Scheduler, TimerHandle } from '../core/ports/scheduler.ts';
import type { Store } from '../core/ports/store/index.ts';
import { InProcessNotifier } from '../delivery/in-process-notifier.ts';
import type { PostgresStore } from '../store/postgres/postgres-store.ts';

export interface ClusterParts {
  readonly notifier: EventNotifier;
  /** Absent for one instance alone. */
  readonly leases?: { readonly store: LeaseStore; readonly leaseMs: number };
  /** Several instances: pushed events for another instance's handovers (Open Messaging webhooks). */
  readonly inbox?: PushedInbox;
  /** Several instances: typing pulses and receipts passed to the owner, which alone calls the provider. */
  readonly notes?: OwnerNotes;
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
  const pg = settings.kind === 'postgres' ? await asPostgres(store) : undefined;
  const several = settings.kind === 'postgres' && !settings.singleInstance && pg !== undefined;
  const leaseMs = settings.kind === 'postgres' ? settings.leaseSeconds * 1000 : 0;
  const bus = new InProcessNotifier();
  const shared = several ? await pg.cluster({ instanceId: opts.instanceId, leaseMs, bus }) : undefined;
  let reachable = true;
  let timer: TimerHandle | undefined;
  return {
    notifier: shared?.notifier ?? bus,
    ...(shared
      ? { leases: { store: shared.leases, leaseMs }, inbox: shared.inbox, notes: shared.notes }
      : {}),
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

/** The store as a PostgresStore, if it is one; its module is loaded only then (open-store.ts). */
async function asPostgres(store: Store): Promise<PostgresStore | undefined> {
  const { PostgresStore } = await import('../store/postgres/postgres-store.ts');
  return store instanceof PostgresStore ? store : undefined;
}

/** Several instances: pushed events taken in on any instance reach the owner (pushed-relay.ts). */
export function ownerSide(
  cluster: ClusterParts,
  leases: LeaseKeeper | undefined,
  engine: HandoverEngine,
  opts: { scheduler: Scheduler; logger: PinoLogger },
): PushedRelay | undefined {
  if (!cluster.inbox || !leases) return undefined;
  return new PushedRelay({
    inbox: cluster.inbox,
    owns: (id) => leases.owns(id),
    acceptPushed: (endpointId, id, events) => engine.acceptPushed(endpointId, id, events),
    scheduler: opts.scheduler,
    logger: opts.logger.child({ component: 'pushed-inbox' }),
  });
}

/** Several instances: the owner acts on the typing pulses and receipts others pass to it. */
export function listenToNotes(
  cluster: ClusterParts,
  leases: LeaseKeeper,
  engine: HandoverEngine,
  receipts: ReceiptService,
): Unsubscribe | undefined {
  return cluster.notes?.onNote((note) => {
    if (!leases.owns(note.handoverId)) return;
    if (note.kind === 'receipt') void receipts.fromNote(note);
    else void engine.forwardTyping(note.handoverId).catch(() => undefined); // a hint (over, unknown)
  });
}
