// The raw relay of the Open Messaging path: the baseline the gateway's Open Messaging endpoint is
// measured against (the `om-relay` part). Like `raw-relay.ts` for guest chat, it does the gateway's
// work as cheaply as Node.js allows — node:http with keep-alive, a JSON.parse per call — and nothing
// else: no persistence, no signature check of Genesys' calls, no reordering of them (OM §4.5: they
// come in any order), no participant tracking over the Notifications API, no fastify/zod, no retries.
//
//   POST /handovers {displayName}        → the first inbound message creates the conversation (OM §3.1, §3.5) → {id}
//   POST /handovers/{id}/messages {text} → 202 at once; sent as inbound messages in order per handover
//   POST /genesys (Genesys' outbound webhook, OM §4.1) → 200 at once; agent texts POSTed to the bot,
//                                          one at a time per handover, in the order the calls came
//
// Run as its own process, on a port fixed beforehand (the integration's webhook URL names it),
// printing `raw-om-relay: <url>` when it listens:
//   node --import tsx bench/raw-om-relay.ts '{"emulatorUrl","webhookUrl","integrationId","clientId","clientSecret","port"}'
import { randomUUID } from 'node:crypto';
import { httpJson } from './http-client.ts';
import { answer, postToBot, rawRelayServer } from './raw-http.ts';

interface RelayConfig {
  readonly emulatorUrl: string;
  readonly webhookUrl: string;
  readonly integrationId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly port: number;
}

interface Relayed {
  readonly id: string;
  readonly customerId: string;
  /** Tail of the handover's bot → agent sends, and of its agent → bot posts (one at a time each). */
  toAgent: Promise<void>;
  toBot: Promise<void>;
}

/** What the relay reads of an outbound call (OM §4.1); everything else is ignored. */
interface Outbound {
  readonly type?: string;
  readonly text?: string;
  readonly originatingEntity?: string;
  readonly channel?: { readonly to?: { readonly id?: string } };
}

const config = JSON.parse(process.argv[2] ?? '{}') as RelayConfig;
const inbound = `${config.emulatorUrl}/api/v2/conversations/messages/${config.integrationId}/inbound/open/message`;
const byCustomer = new Map<string, Relayed>();
const byId = new Map<string, Relayed>();
const stats = { created: 0, toAgent: 0, toBot: 0, errors: 0 };
let authorization = '';

/** One client-credentials token for the run (OM §1); the emulator's outlive a benchmark. */
async function login(): Promise<void> {
  const basic = Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64');
  const res = await fetch(`${config.emulatorUrl}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  if (res.status !== 200) throw new Error(`token → ${res.status}`);
  authorization = `Bearer ${((await res.json()) as { access_token: string }).access_token}`;
}

function inboundMessage(relay: Relayed, text: string, nickname?: string): Promise<void> {
  return httpJson(
    'POST',
    inbound,
    {
      channel: {
        from: { id: relay.customerId, idType: 'Opaque', ...(nickname === undefined ? {} : { nickname }) },
        time: new Date().toISOString(),
        messageId: randomUUID(),
      },
      text,
    },
    { authorization },
  ).then((res) => {
    if (res.status !== 200) throw new Error(`inbound → ${res.status} ${res.body.slice(0, 200)}`);
  });
}

async function create(displayName: string): Promise<string> {
  const id = randomUUID();
  const relay: Relayed = {
    id,
    customerId: `raw-${id}`,
    toAgent: Promise.resolve(),
    toBot: Promise.resolve(),
  };
  byId.set(id, relay);
  byCustomer.set(relay.customerId, relay);
  // What the gateway's first message carries (its `firstMessage` default).
  await inboundMessage(relay, `${displayName} was handed over by the bot.`, displayName);
  stats.created += 1;
  return id;
}

function send(relay: Relayed, text: string): void {
  relay.toAgent = relay.toAgent.then(async () => {
    try {
      await inboundMessage(relay, text);
      stats.toAgent += 1;
    } catch {
      stats.errors += 1;
    }
  });
}

/** An agent's text goes to the bot; the flow's texts (Bot) and typing events are not relayed. */
function outbound(call: Outbound): void {
  if (call.type !== 'Text' || call.originatingEntity !== 'Human' || typeof call.text !== 'string') return;
  const relay = byCustomer.get(call.channel?.to?.id ?? '');
  if (!relay) return;
  const event = { type: 'handover.agent_message', handoverId: relay.id, data: { text: call.text } };
  relay.toBot = relay.toBot.then(() => postToBot(config.webhookUrl, event, stats));
}

const server = rawRelayServer({
  stats,
  create,
  send: (id, text) => {
    const relay = byId.get(id);
    if (relay) send(relay, text);
    return relay !== undefined;
  },
  live: () => byId.size,
  post: (url, body, res) => {
    if (url !== '/genesys') return false;
    answer(res, 200);
    outbound(body as Outbound);
    return true;
  },
});
await login();
server.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`raw-om-relay: http://127.0.0.1:${config.port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
