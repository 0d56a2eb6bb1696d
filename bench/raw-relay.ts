// The raw relay: the baseline the gateway is measured against. It does the gateway's work on the
// guest-chat path as cheaply as Node.js allows — plain `ws` sockets, node:http with keep-alive, a
// JSON.parse per frame — and nothing else: no persistence, no outbox, no signing, no state machine,
// no fastify/zod, no retries. What the gateway spends beyond it is "our overhead".
//
//   POST /handovers {displayName}        → creates the guest chat (Genesys REST), opens its event stream → {id}
//   POST /handovers/{id}/messages {text} → 202 at once; sent to Genesys in order per handover
//   agent messages on the stream         → POSTed as JSON to the webhook URL, in order per handover
//
// Run as its own process (like the gateway), printing `raw-relay: <url>` when it listens:
//   node --import tsx bench/raw-relay.ts '{"emulatorUrl","webhookUrl","organizationId","deploymentId","queue"}'
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { httpJson } from './http-client.ts';
import { postToBot, rawRelayServer } from './raw-http.ts';

interface RelayConfig {
  readonly emulatorUrl: string;
  readonly webhookUrl: string;
  readonly organizationId: string;
  readonly deploymentId: string;
  readonly queue: string;
}

interface Relayed {
  readonly conversationId: string;
  readonly memberId: string;
  readonly jwt: string;
  readonly socket: WebSocket;
  /** Tail of the handover's bot → agent sends, and of its agent → bot posts (one at a time each). */
  toAgent: Promise<void>;
  toBot: Promise<void>;
}

interface Frame {
  readonly topicName?: string;
  readonly eventBody?: { sender?: { id?: string }; body?: string; bodyType?: string };
  readonly metadata?: { type?: string };
}

const config = JSON.parse(process.argv[2] ?? '{}') as RelayConfig;
const conversations = `${config.emulatorUrl}/api/v2/webchat/guest/conversations`;
const relays = new Map<string, Relayed>();
const stats = { created: 0, toAgent: 0, toBot: 0, errors: 0 };

async function create(displayName: string): Promise<string> {
  const res = await httpJson('POST', conversations, {
    organizationId: config.organizationId,
    deploymentId: config.deploymentId,
    routingTarget: { targetType: 'QUEUE', targetAddress: config.queue },
    memberInfo: { displayName },
  });
  if (res.status !== 200) throw new Error(`create → ${res.status} ${res.body}`);
  const created = JSON.parse(res.body) as {
    id: string;
    jwt: string;
    eventStreamUri: string;
    member: { id: string };
  };
  const id = randomUUID();
  const socket = new WebSocket(created.eventStreamUri);
  const relay: Relayed = {
    conversationId: created.id,
    memberId: created.member.id,
    jwt: created.jwt,
    socket,
    toAgent: Promise.resolve(),
    toBot: Promise.resolve(),
  };
  relays.set(id, relay);
  socket.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString('utf8')) as Frame;
    const body = frame.eventBody;
    if (frame.metadata?.type !== 'message' || body?.bodyType !== 'standard') return;
    if (body.sender?.id === relay.memberId) return; // the guest's own echo
    const event = { type: 'handover.agent_message', handoverId: id, data: { text: body.body } };
    relay.toBot = relay.toBot.then(() => postToBot(config.webhookUrl, event, stats));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => (stats.errors += 1));
  stats.created += 1;
  return id;
}

function send(relay: Relayed, text: string): void {
  relay.toAgent = relay.toAgent.then(async () => {
    try {
      const res = await httpJson(
        'POST',
        `${conversations}/${relay.conversationId}/members/${relay.memberId}/messages`,
        { body: text, bodyType: 'standard' },
        { authorization: `Bearer ${relay.jwt}` },
      );
      if (res.status !== 200) throw new Error(String(res.status));
      stats.toAgent += 1;
    } catch {
      stats.errors += 1;
    }
  });
}

const server = rawRelayServer({
  stats,
  create,
  send: (id, text) => {
    const relay = relays.get(id);
    if (relay) send(relay, text);
    return relay !== undefined;
  },
  live: () => relays.size,
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`raw-relay: http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  for (const r of relays.values()) r.socket.terminate();
  server.close();
  process.exit(0);
});
