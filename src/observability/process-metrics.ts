// Node's process metrics (prom-client's defaults) under their standard names, with the three whose
// scrape cost grows with the open sockets read differently — one guest chat is one socket, and with
// ~14,000 open sockets prom-client's versions held the event loop ~40 ms per scrape (bench/README.md,
// round twelve):
// - `process_open_fds` listed /proc/self/fd synchronously (~17 ms at 14,000 descriptors, most of it
//   the kernel building the listing): here the listing runs on libuv's thread pool, and the event
//   loop only counts the names (~3 ms).
// - `nodejs_active_handles` and `…_total` each listed every handle, and `nodejs_active_resources`
//   and `…_total` every resource: here each list is made once per scrape and shared by its two gauges.
// Same names, help texts, types and values as prom-client's, so stock dashboards keep working.
import { readdir } from 'node:fs/promises';
import { Gauge, collectDefaultMetrics, type Registry } from 'prom-client';

/** The default metrics replaced below. */
const REPLACED = [
  'process_open_fds',
  'nodejs_active_handles',
  'nodejs_active_handles_total',
  'nodejs_active_resources',
  'nodejs_active_resources_total',
] as const;

export function registerProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of REPLACED) registry.removeSingleMetric(name);

  if (process.platform === 'linux') {
    new Gauge({
      name: 'process_open_fds',
      help: 'Number of open file descriptors.',
      registers: [registry],
      async collect() {
        try {
          // Minus the descriptor the listing itself had open (closed again by now), as prom-client.
          this.set((await readdir('/proc/self/fd')).length - 1);
        } catch {
          // Not readable (a sandbox): the gauge keeps its last value, as prom-client's does.
        }
      },
    });
  }

  // All collect() calls of one scrape run in one synchronous pass (prom-client's Registry.metrics):
  // a list made by the first is reused by the second, and dropped once that pass is over.
  const handles = oncePerScrape(() => countBy(listActiveHandles(), constructorName));
  registerCounts(registry, 'nodejs_active_handles', handles, {
    byType: 'Number of active libuv handles grouped by handle type. Every handle type is C++ class name.',
    total: 'Total number of active handles.',
  });
  const resources = oncePerScrape(() => countBy(process.getActiveResourcesInfo(), (r) => r));
  registerCounts(registry, 'nodejs_active_resources', resources, {
    byType:
      'Number of active resources that are currently keeping the event loop alive, grouped by async resource type.',
    total: 'Total number of active resources.',
  });
}

interface Counts {
  readonly byType: ReadonlyMap<string, number>;
  readonly total: number;
}

function registerCounts(
  registry: Registry,
  name: string,
  counts: () => Counts,
  help: { readonly byType: string; readonly total: string },
): void {
  new Gauge({
    name,
    help: help.byType,
    labelNames: ['type'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [type, n] of counts().byType) this.set({ type }, n);
    },
  });
  new Gauge({
    name: `${name}_total`,
    help: help.total,
    registers: [registry],
    collect() {
      this.set(counts().total);
    },
  });
}

function oncePerScrape<T>(make: () => T): () => T {
  let made: { readonly value: T } | undefined;
  return () => {
    if (!made) {
      made = { value: make() };
      queueMicrotask(() => {
        made = undefined;
      });
    }
    return made.value;
  };
}

function countBy<T>(items: readonly T[], key: (item: T) => string | undefined): Counts {
  const byType = new Map<string, number>();
  let total = 0;
  for (const item of items) {
    total += 1;
    const k = key(item);
    if (k !== undefined) byType.set(k, (byType.get(k) ?? 0) + 1);
  }
  return { byType, total };
}

/** `process._getActiveHandles` is undocumented (prom-client reads it too); an empty list without it. */
function listActiveHandles(): readonly unknown[] {
  const list = (process as { _getActiveHandles?: () => unknown[] })._getActiveHandles;
  return typeof list === 'function' ? list.call(process) : [];
}

function constructorName(handle: unknown): string | undefined {
  if (handle === null || handle === undefined) return undefined;
  const ctor = (handle as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' ? ctor.name : undefined;
}
