// The Open Messaging provider on virtual time against a scripted Genesys (FakeGenesys): conversations
// whose participants, messages (MessageData for the bulk call) and users a test sets by hand, the
// inbound endpoints, PATCH participant and the integration. Plus a recorder of what the core hears
// and signed webhook bodies. Test scaffolding, not the emulator.
import type { AttachmentHandlers, AttachmentState, ProviderEvent } from '../../../src/core/ports/provider.ts';
import {
  OpenMessagingClient,
  OpenMessagingProvider,
  type OpenMessagingClientOptions,
  type OpenMessagingProviderOptions,
} from '../../../src/providers/genesys-open-messaging/index.ts';
import { signWebhookBody } from '../../../src/providers/genesys-open-messaging/webhook/signature.ts';
import { VirtualTime } from '../../../src/time/virtual-time.ts';
import { RecordingLogger } from '../../support/recording-logger.ts';
import { authorized, CLIENT_ID, CLIENT_SECRET, FakeGenesys, type FakeRequest } from './fake-genesys.ts';

export const INTEGRATION = 'integ-1';
export const SECRET = 'webhook-secret-0123456789';
export const INBOUND = `/api/v2/conversations/messages/${INTEGRATION}/inbound/open`;
const CONVERSATIONS = '/api/v2/conversations/messages';

export interface ScriptedParticipant {
  id: string;
  purpose: string;
  state: string;
  name?: string;
  connectedTime?: string;
  endTime?: string;
  disconnectType?: string;
  user?: { id: string; name?: string };
  messages: { messageId: string; messageTime: string; media?: unknown[] }[];
}

export interface ScriptedConversation {
  id: string;
  participants: ScriptedParticipant[];
}

/** A scripted Genesys for one integration. */
export class ScriptedGenesys {
  readonly fake: FakeGenesys;
  readonly conversations = new Map<string, ScriptedConversation>();
  readonly messageData = new Map<string, Record<string, unknown>>();
  readonly users = new Map<string, Record<string, unknown>>();
  /** The conversation each customer id's messages land in; a new one is made when absent. */
  readonly conversationOf = new Map<string, string>();
  /** What inbound message calls answer; default: a Genesys id and the customer's conversation. */
  answerMessage:
    ((req: FakeRequest) => Record<string, unknown> | Promise<Record<string, unknown>>) | undefined;
  #seq = 0;

  constructor(fake: FakeGenesys) {
    this.fake = fake;
    const route = (method: string, path: string | RegExp, h: (req: FakeRequest) => unknown) =>
      fake.route(
        method,
        path,
        authorized(fake, async (req) => {
          const out = await h(req);
          return out === undefined ? { status: 404, body: { code: 'not.found', status: 404 } } : (out as any);
        }),
      );
    route('GET', /^\/api\/v2\/conversations\/messages\/([^/]+)$/, (req) => {
      const c = this.conversations.get(req.path.split('/').at(-1)!);
      return c === undefined ? undefined : { body: structuredClone(c) };
    });
    route('POST', /^\/api\/v2\/conversations\/messages\/([^/]+)\/messages\/bulk$/, (req) => {
      const ids = JSON.parse(req.body) as string[];
      return { body: { entities: ids.flatMap((id) => this.messageData.get(id) ?? []) } };
    });
    route('GET', /^\/api\/v2\/users\/([^/]+)$/, (req) => {
      const u = this.users.get(req.path.split('/').at(-1)!);
      return u === undefined ? undefined : { body: u };
    });
    route('POST', `${INBOUND}/message`, async (req) => {
      if (this.answerMessage) return { body: await this.answerMessage(req) };
      const customer = JSON.parse(req.body).channel.from.id as string;
      let conversationId = this.conversationOf.get(customer);
      if (conversationId === undefined) {
        conversationId = `conv-${++this.#seq}`;
        this.conversationOf.set(customer, conversationId);
        this.conversation(conversationId);
      }
      return { body: { id: `gm-${++this.#seq}`, conversationId } };
    });
    route('POST', `${INBOUND}/event`, () => ({ body: { id: `ev-${++this.#seq}`, events: [] } }));
    route('POST', `${INBOUND}/receipt`, (req) => ({ body: { id: JSON.parse(req.body).id, status: 'x' } }));
    route('PATCH', /^\/api\/v2\/conversations\/messages\/[^/]+\/participants\/[^/]+$/, (req) => {
      const [, , , , , conversationId, , participantId] = req.path.split('/');
      const p = this.conversations.get(conversationId!)?.participants.find((x) => x.id === participantId);
      if (p === undefined) return undefined;
      p.state = 'disconnected';
      return { status: 202 };
    });
    route('GET', `/api/v2/conversations/messaging/integrations/open/${INTEGRATION}`, () => ({
      body: { id: INTEGRATION, name: 'Gateway', createStatus: 'Completed' },
    }));
  }

  /** A conversation with its customer participant (`cust-<id>`). */
  conversation(id: string): ScriptedConversation {
    const c: ScriptedConversation = {
      id,
      participants: [
        { id: `cust-${id}`, purpose: 'customer', state: 'connected', name: 'Alex', messages: [] },
      ],
    };
    this.conversations.set(id, c);
    return c;
  }

  participant(conversationId: string, participantId: string): ScriptedParticipant {
    const p = this.conversations.get(conversationId)!.participants.find((x) => x.id === participantId);
    if (p === undefined) throw new Error(`no participant ${participantId}`);
    return p;
  }

  /** An agent participant (user `user-<id>` unless given), appended like Genesys appends them. */
  addAgent(
    conversationId: string,
    agent: { id: string; state: string; userId?: string; connectedTime?: string; name?: string },
  ): ScriptedParticipant {
    const userId = agent.userId ?? `user-${agent.id}`;
    const p: ScriptedParticipant = {
      id: agent.id,
      purpose: 'agent',
      state: agent.state,
      ...(agent.name === undefined ? {} : { name: agent.name }),
      ...(agent.connectedTime === undefined ? {} : { connectedTime: agent.connectedTime }),
      user: { id: userId },
      messages: [],
    };
    this.conversations.get(conversationId)!.participants.push(p);
    return p;
  }

  user(id: string, name: string, imageUri?: string): void {
    this.users.set(id, {
      id,
      name,
      images: imageUri === undefined ? [] : [{ resolution: 'x96', imageUri }],
    });
  }

  /** A message listed under a participant, with its MessageData for the bulk call. */
  message(
    conversationId: string,
    participantId: string,
    m: {
      id: string;
      time: string;
      text?: string;
      direction?: 'inbound' | 'outbound';
      originatingEntity?: 'Human' | 'Bot';
      type?: string;
      content?: unknown[];
    },
  ): void {
    this.participant(conversationId, participantId).messages.push({
      messageId: m.id,
      messageTime: m.time,
    });
    this.messageData.set(m.id, {
      id: m.id,
      timestamp: m.time,
      direction: m.direction ?? 'outbound',
      status: 'sent',
      normalizedMessage: {
        id: m.id,
        type: m.type ?? 'Text',
        ...(m.text === undefined ? {} : { text: m.text }),
        ...(m.content === undefined ? {} : { content: m.content }),
        ...(m.originatingEntity === undefined ? {} : { originatingEntity: m.originatingEntity }),
        direction: m.direction === 'inbound' ? 'Inbound' : 'Outbound',
      },
      conversationId,
    });
  }

  /** Pushes a conversation detail frame (§4.6) to the sockets subscribed to its topic. */
  notify(conversationId: string, kind: string, body: Record<string, unknown> = {}): number {
    const topicName = `v2.detail.events.conversation.${conversationId}.${kind}`;
    return this.fake.push(
      {
        topicName,
        version: '2',
        eventBody: { eventTime: Date.parse('2030-01-01T00:00:05.000Z'), conversationId, ...body },
      },
      { topic: topicName },
    );
  }

  reads(conversationId: string): FakeRequest[] {
    return this.fake.calls('GET', `${CONVERSATIONS}/${conversationId}`);
  }

  bulkCalls(conversationId: string): FakeRequest[] {
    return this.fake.calls('POST', `${CONVERSATIONS}/${conversationId}/messages/bulk`);
  }
}

export interface ProviderRig {
  readonly time: VirtualTime;
  readonly genesys: ScriptedGenesys;
  readonly client: OpenMessagingClient;
  readonly provider: OpenMessagingProvider;
  readonly logger: RecordingLogger;
  close(): Promise<void>;
}

export async function providerRig(
  extra: Partial<OpenMessagingProviderOptions> = {},
  clientOptions: Partial<OpenMessagingClientOptions> = {},
): Promise<ProviderRig> {
  const time = new VirtualTime();
  const fake = await FakeGenesys.start();
  const genesys = new ScriptedGenesys(fake);
  const logger = new RecordingLogger();
  const client = new OpenMessagingClient({
    target: { baseUrl: fake.url },
    credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    integrationId: INTEGRATION,
    scheduler: time,
    clock: time,
    random: () => 0.5,
    // Plenty of budget: these tests are about the adapter, not the rate limit.
    requestsPerMinute: 100_000,
    burst: 10_000,
    ...clientOptions,
  });
  const provider = new OpenMessagingProvider({
    client,
    webhookSecret: SECRET,
    clock: time,
    scheduler: time,
    random: () => 0.5,
    logger,
    ...extra,
  });
  return {
    time,
    genesys,
    client,
    provider,
    logger,
    close: async () => {
      await provider.close();
      await fake.close();
    },
  };
}

/** What the core hears from an attachment. */
export function coreRecorder() {
  const events: ProviderEvent[] = [];
  const states: { state: AttachmentState; reason?: string | undefined }[] = [];
  /** Events (described) and states in the order the core heard them. */
  const timeline: string[] = [];
  const handlers: AttachmentHandlers = {
    onEvent: (e) => {
      events.push(e);
      timeline.push(describeEvent(e));
      return Promise.resolve();
    },
    onState: (state, detail) => {
      states.push({ state, reason: detail?.reason });
      timeline.push(`state:${state}`);
    },
  };
  return { events, states, timeline, handlers };
}

/** A participant event in a compact form: `agent:a1:connected`. */
export function describeEvent(e: ProviderEvent): string {
  if (e.type === 'participant') return `${e.participant.role}:${e.participant.id}:${e.state}`;
  if (e.type === 'message') return `message:${e.participant.role}:${e.participant.id}:${e.text}`;
  return `typing:${e.participant.role}:${e.participant.id}`;
}

/** A webhook call as Genesys would sign it (§4.4). */
export function signed(body: unknown, secret = SECRET): { raw: Buffer; headers: Record<string, string> } {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return { raw, headers: { 'x-hub-signature-256': signWebhookBody(secret, raw) } };
}

/** An outbound webhook body (§4.1) for customer `to`. */
export function webhookBody(to: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    id: 'wm-1',
    channel: {
      id: INTEGRATION,
      platform: 'Open',
      type: 'Private',
      to: { id: to, idType: 'Opaque' },
      from: { nickname: 'Gateway', id: INTEGRATION, idType: 'Opaque' },
      time: '2030-01-01T00:00:10.000Z',
    },
    type: 'Text',
    direction: 'Outbound',
    ...extra,
  };
}
