// Node's process metrics as the gateway registers them (src/observability/process-metrics.ts): the
// same metrics as prom-client's defaults — names, help texts, types, values — but a scrape lists
// the open descriptors off the event loop and every handle and resource once, not twice each.
// prom-client's own defaults are the control: the counting assertions fail against them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { registerProcessMetrics } from '../../src/observability/process-metrics.ts';

const SOCKETS = 40;
const server = createServer((s) => s.on('error', () => undefined));
const clients: Socket[] = [];

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await Promise.all(
    Array.from(
      { length: SOCKETS },
      () =>
        new Promise<void>((resolve, reject) => {
          const s = connect(port, '127.0.0.1', resolve).on('error', reject);
          clients.push(s);
        }),
    ),
  );
});

after(async () => {
  for (const s of clients) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function ours(): Registry {
  const registry = new Registry();
  registerProcessMetrics(registry);
  return registry;
}

function promClients(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** The value of an unlabelled gauge, or of one label's series. */
async function value(registry: Registry, name: string, type?: string): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  assert.ok(metric, `${name} is registered`);
  const { values } = await metric.get();
  return values.find((v) => (type === undefined ? true : v.labels.type === type))?.value;
}

/** Counts the calls of the listings a scrape may make, while `run` runs. */
async function counting(run: () => Promise<unknown>): Promise<Record<string, number>> {
  const calls = { handles: 0, resources: 0, readdirSync: 0 };
  // Each is wrapped and put back as it was (the property, not a bound copy of it).
  const wrap = (owner: object, key: string, counter: keyof typeof calls): (() => void) => {
    const original = Object.getOwnPropertyDescriptor(owner, key);
    const fn = original?.value as (...args: unknown[]) => unknown;
    Object.defineProperty(owner, key, {
      ...original,
      value: (...args: unknown[]) => {
        calls[counter] += 1;
        return fn.apply(owner, args);
      },
    });
    return () => Object.defineProperty(owner, key, original ?? {});
  };
  const restore = [
    wrap(process, '_getActiveHandles', 'handles'),
    wrap(process, 'getActiveResourcesInfo', 'resources'),
    wrap(fs, 'readdirSync', 'readdirSync'),
  ];
  try {
    await run();
  } finally {
    for (const put of restore) put();
  }
  return calls;
}

test("the same metrics as prom-client's defaults: names, help texts and types", () => {
  const describe = (r: Registry): string[] =>
    r
      .getMetricsAsArray()
      .map((m) => {
        const { name, help, type } = m as unknown as { name: string; help: string; type: string };
        return `${name} ${type} ${help}`;
      })
      .sort();
  assert.deepEqual(describe(ours()), describe(promClients()));
});

test("the same values as prom-client's: open descriptors, handles and resources, total and by type", async () => {
  const a = ours();
  const b = promClients();
  await a.metrics();
  await b.metrics();
  const fds = await value(a, 'process_open_fds');
  assert.ok(fds !== undefined && fds >= SOCKETS, `open fds ${fds} count the ${SOCKETS} sockets`);
  // Read one after the other: a descriptor or a timer may come or go in between.
  const near = (x: number | undefined, y: number | undefined, what: string): void => {
    assert.ok(x !== undefined && y !== undefined && Math.abs(x - y) <= 3, `${what}: ${x} vs ${y}`);
  };
  near(fds, await value(b, 'process_open_fds'), 'process_open_fds');
  near(
    await value(a, 'nodejs_active_handles_total'),
    await value(b, 'nodejs_active_handles_total'),
    'handles',
  );
  const sockets = await value(a, 'nodejs_active_handles', 'Socket');
  assert.ok(sockets !== undefined && sockets >= SOCKETS, `Socket handles: ${sockets}`);
  near(sockets, await value(b, 'nodejs_active_handles', 'Socket'), 'Socket handles');
  near(
    await value(a, 'nodejs_active_resources_total'),
    await value(b, 'nodejs_active_resources_total'),
    'resources',
  );
  near(
    await value(a, 'nodejs_active_resources', 'TCPSocketWrap'),
    await value(b, 'nodejs_active_resources', 'TCPSocketWrap'),
    'TCPSocketWrap resources',
  );
});

test('a scrape lists the handles and the resources once each, and the descriptors not on the event loop', async () => {
  const a = ours();
  assert.deepEqual(await counting(() => a.metrics()), { handles: 1, resources: 1, readdirSync: 0 });
  // The next scrape lists them again: the lists are not kept between scrapes.
  assert.deepEqual(await counting(() => a.metrics()), { handles: 1, resources: 1, readdirSync: 0 });
  // The control: prom-client's defaults list each twice and read /proc/self/fd synchronously.
  const b = promClients();
  assert.deepEqual(await counting(() => b.metrics()), { handles: 2, resources: 2, readdirSync: 1 });
});
