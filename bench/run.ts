// Benchmarks: throughput and memory of the gateway, as ratios against a baseline measured in the
// same run on the same machine (never absolute thresholds). Results go to bench/results/latest.json.
//
//   npm run bench                  # defaults
//   BENCH_MESSAGES=2000 BENCH_HANDOVERS=200 npm run bench
//
// 1. Message relay: N customer messages sent with the guest-chat REST client straight to the
//    emulator (baseline) versus the same N through the gateway's /v1 API until the emulator has
//    them all (persisted, ordered, retried — the price of "nothing lost").
// 2. Memory: heap per live handover (attached event stream, member directory, queues), measured as
//    the heap delta of M handovers over the heap of the idle gateway.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { parseConfig } from '../src/config/load.ts';
import { startEmulator } from '../src/emulator/index.ts';
import { startGateway } from '../src/composition/start-gateway.ts';
import { GuestChatRestClient } from '../src/providers/genesys-guest-chat/index.ts';
import { GuestChatEventStream } from '../src/providers/genesys-guest-chat/stream/event-stream.ts';
import { pino } from 'pino';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1000);
const HANDOVERS = Number(process.env.BENCH_HANDOVERS ?? 100);
const KEY = 'bench-key-0123456789abcdefghijklmn';

async function until(
  probe: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const emulator = await startEmulator({ agentCapacity: 100_000 });
const dir = mkdtempSync(join(tmpdir(), 'gh-bench-'));
const gateway = await startGateway(
  parseConfig({
    server: { port: 0, logLevel: 'silent' },
    store: { path: join(dir, 'bench.db') },
    apiKeys: [{ name: 'bench', key: KEY, endpoints: ['*'] }],
    endpoints: [
      {
        id: 'bench',
        provider: 'genesys-guest-chat',
        genesys: { baseUrl: emulator.url, organizationId: 'o', deploymentId: 'd' },
        queue: 'Support',
      },
    ],
  }),
  { logger: pino({ level: 'silent' }) },
);
const api = async (method: string, path: string, body?: unknown): Promise<any> => {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return res.json();
};
const emuMessages = async (conversationId: string): Promise<number> => {
  const c = (await (await fetch(`${emulator.url}/emulator/v1/conversations/${conversationId}`)).json()) as {
    messages: { bodyType: string }[];
  };
  return c.messages.filter((m) => m.bodyType === 'standard').length;
};

// --- 1. relay throughput -----------------------------------------------------------------------
const signal = new AbortController().signal;
const client = new GuestChatRestClient({ baseUrl: emulator.url });
const session = await client.createConversation(
  {
    organizationId: 'o',
    deploymentId: 'd',
    routingTarget: { targetType: 'QUEUE', targetAddress: 'Support' },
    memberInfo: { displayName: 'Baseline' },
  },
  { signal },
);
const stream = new GuestChatEventStream({
  eventStreamUri: session.eventStreamUri,
  guestMemberId: session.memberId,
  onEvent: () => undefined,
});
await stream.open(signal);
let t0 = performance.now();
for (let i = 0; i < MESSAGES; i++) await client.sendMessage(session, `baseline ${i}`, { signal });
const baselineMs = performance.now() - t0;
await stream.close();

const started = await api('POST', '/v1/handovers', {
  endpoint: 'bench',
  customer: { userId: 'bench', sessionId: 's', displayName: 'Through gateway' },
});
await until(async () => (await api('GET', `/v1/handovers/${started.id}`)).state === 'queued', 'queued');
const conv = (
  (await (await fetch(`${emulator.url}/emulator/v1/conversations`)).json()) as {
    entities: { id: string; customer: { displayName: string } }[];
  }
).entities.find((c) => c.customer.displayName === 'Through gateway')!;
t0 = performance.now();
for (let i = 0; i < MESSAGES; i++)
  await api('POST', `/v1/handovers/${started.id}/messages`, { text: `gateway ${i}` });
await until(async () => (await emuMessages(conv.id)) >= MESSAGES, 'all relayed');
const gatewayMs = performance.now() - t0;

// --- 2. memory per live handover -------------------------------------------------------------
const heap = (): number => {
  // --expose-gc (npm run bench sets it) makes the heap readings comparable.
  global.gc?.();
  return process.memoryUsage().heapUsed;
};
const idleHeap = heap();
const ids: string[] = [];
for (let i = 0; i < HANDOVERS; i++) {
  ids.push(
    (
      await api('POST', '/v1/handovers', {
        endpoint: 'bench',
        customer: { userId: `m${i}`, sessionId: 's', displayName: `Mem ${i}` },
      })
    ).id,
  );
}
await until(() => gateway.engine.liveCount >= HANDOVERS + 1, 'all attached');
const loadedHeap = heap();

const result = {
  at: new Date().toISOString(),
  node: process.version,
  messages: MESSAGES,
  relay: {
    baselineMsgPerSec: Math.round((MESSAGES / baselineMs) * 1000),
    gatewayMsgPerSec: Math.round((MESSAGES / gatewayMs) * 1000),
    ratio: Number((baselineMs / gatewayMs).toFixed(3)),
    note: 'gateway throughput as a fraction of sending straight to the emulator (1 = no overhead)',
  },
  memory: {
    handovers: HANDOVERS,
    idleHeapMiB: Number((idleHeap / 2 ** 20).toFixed(1)),
    heapPerHandoverKiB: Math.round((loadedHeap - idleHeap) / HANDOVERS / 1024),
    ratio: Number((loadedHeap / idleHeap).toFixed(3)),
    gcExposed: typeof global.gc === 'function',
  },
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result)}\n`);

for (const id of ids) await api('POST', `/v1/handovers/${id}/end`);
await gateway.close();
await emulator.close();
rmSync(dir, { recursive: true, force: true });
