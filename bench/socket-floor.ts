// The bare-socket floor of the scale benchmark: what N live guest chats cost with nothing but one
// `ws` client socket each (no gateway, no state) — the memory, files and CPU no relay can go below.
// Run with --expose-gc as its own process; it prints `socket-floor: <url>` and answers
//   POST /open {total, concurrency} → opens guest chats (Genesys REST create + event stream) until
//                                     `total` are open → {opened, seconds}
//   POST /close-all                 → closes every socket (after the warm-up)
//   GET  /usage                     → {rss, heapUsed, external, openFiles, lagP99Ms} after a full GC
//                                     (event-loop lag p99 since the previous /usage, as prom-client measures it)
//   node --expose-gc --import tsx bench/socket-floor.ts '{"emulatorUrl","organizationId","deploymentId","queue"}'
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { httpJson } from './http-client.ts';

const config = JSON.parse(process.argv[2] ?? '{}') as {
  emulatorUrl: string;
  organizationId: string;
  deploymentId: string;
  queue: string;
};
const sockets: WebSocket[] = [];
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();

async function openOne(i: number): Promise<void> {
  const res = await httpJson('POST', `${config.emulatorUrl}/api/v2/webchat/guest/conversations`, {
    organizationId: config.organizationId,
    deploymentId: config.deploymentId,
    routingTarget: { targetType: 'QUEUE', targetAddress: config.queue },
    memberInfo: { displayName: `floor-${i}` },
  });
  if (res.status !== 200) throw new Error(`create → ${res.status}`);
  const socket = new WebSocket((JSON.parse(res.body) as { eventStreamUri: string }).eventStreamUri);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  // Frames (heartbeats) are read and dropped, as any client must read them.
  socket.on('message', () => undefined);
  socket.on('error', () => undefined);
  sockets.push(socket);
}

async function openUntil(total: number, concurrency: number): Promise<void> {
  let next = sockets.length;
  const worker = async (): Promise<void> => {
    while (next < total) await openOne(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function usage(): Record<string, number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  const lagP99Ms = lag.percentile(99) / 1e6;
  lag.reset();
  return {
    lagP99Ms,
    rss: m.rss,
    heapUsed: m.heapUsed,
    external: m.external,
    openFiles: readdirSync('/proc/self/fd').length,
    sockets: sockets.length,
  };
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void (async () => {
      try {
        if (req.method === 'GET' && req.url === '/usage') {
          res.writeHead(200).end(JSON.stringify(usage()));
          return;
        }
        if (req.method === 'POST' && req.url === '/close-all') {
          for (const s of sockets.splice(0)) s.terminate();
          res.writeHead(200).end('{}');
          return;
        }
        if (req.method === 'POST' && req.url === '/open') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            total: number;
            concurrency: number;
          };
          const before = sockets.length;
          const t0 = performance.now();
          await openUntil(body.total, body.concurrency);
          const seconds = (performance.now() - t0) / 1000;
          res.writeHead(200).end(JSON.stringify({ opened: sockets.length - before, seconds }));
          return;
        }
        res.writeHead(404).end();
      } catch (err) {
        res.writeHead(500).end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
      }
    })();
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`socket-floor: http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  for (const s of sockets) s.terminate();
  process.exit(0);
});
