// Microsoft Bot Framework / Microsoft 365 Agents SDK → genesys-handover, with the typed client.
//
// A Bot Framework bot asks for a human with a `handoff.initiate` event activity (botbuilder's
// `EventFactory.createHandoffInitiation(context, handoffContext, transcript)`): `recipient` is the
// user, `conversation` the chat, `value` the handoff context, and the transcript rides along as an
// attachment of type `application/vnd.microsoft.activities.transcript`. This bridge starts a
// handover from it and turns the gateway's events back into activities for the user's channel:
// `handoff.status` events (accepted / failed / completed — the Bot Framework handoff vocabulary),
// the agent's messages as `message` activities and the agent's typing as `typing`.
//
// In your bot: import from 'genesys-handover/client' and '@microsoft/agents-activity' (or botbuilder,
// whose activities have the same shape); `send` is your `context.sendActivity` (proactively, through
// `adapter.continueConversation` with the conversation reference).
import { Activity, ActivityTypes } from '@microsoft/agents-activity';
import { GatewayClient, type HandoverEvent } from '../../src/client/index.ts';

export const TRANSCRIPT_CONTENT_TYPE = 'application/vnd.microsoft.activities.transcript';

/** What the handoff context (`value` of handoff.initiate) may carry for routing. */
interface HandoffContext {
  readonly skill?: string;
  readonly skills?: readonly string[];
  readonly language?: string;
  readonly priority?: number;
  readonly customAttributes?: Readonly<Record<string, string | number | boolean>>;
}

export type SendActivity = (activity: Activity) => Promise<void>;

export class HandoffBridge {
  readonly #client: GatewayClient;
  readonly #endpoint: string;
  /** Bot Framework conversation id → handover id (keep it in your bot's storage). */
  readonly #handovers = new Map<string, string>();
  readonly #following = new Set<Promise<unknown>>();
  readonly #stop = new AbortController();

  constructor(client: GatewayClient, endpoint: string) {
    this.#client = client;
    this.#endpoint = endpoint;
  }

  /** Starts a handover from a `handoff.initiate` activity and relays its events to `send`. */
  async initiate(raw: unknown, send: SendActivity): Promise<string> {
    const activity = Activity.fromObject(raw as object);
    if (activity.type !== 'event' || activity.name !== 'handoff.initiate')
      throw new TypeError('not a handoff.initiate event activity');
    const conversationId = activity.conversation?.id;
    const user = activity.recipient;
    if (!conversationId || !user?.id)
      throw new TypeError('handoff.initiate without conversation or recipient');
    const context = (activity.value ?? {}) as HandoffContext;
    const skills = context.skills ?? (context.skill ? [context.skill] : undefined);
    const handover = await this.#client.startHandover({
      endpoint: this.#endpoint,
      customer: {
        userId: user.id,
        sessionId: conversationId,
        ...(user.name ? { displayName: user.name } : {}),
      },
      settings: {
        ...(skills ? { skills: [...skills] } : {}),
        ...(context.language ? { language: context.language } : {}),
        ...(context.priority !== undefined ? { priority: context.priority } : {}),
        ...(context.customAttributes ? { customAttributes: { ...context.customAttributes } } : {}),
      },
      transcript: transcriptOf(activity),
    });
    this.#handovers.set(conversationId, handover.id);
    const following = this.#client
      .followEvents(handover.id, {
        signal: this.#stop.signal,
        onEvent: async (event) => {
          for (const out of toActivities(event, activity)) await send(out);
          if (event.type === 'handover.ended' || event.type === 'handover.failed')
            this.#handovers.delete(conversationId);
        },
      })
      .finally(() => this.#following.delete(following));
    this.#following.add(following);
    return handover.id;
  }

  /** While handed over: the user's message and typing activities go to the agent. Returns whether it did. */
  async relay(raw: unknown): Promise<boolean> {
    const activity = Activity.fromObject(raw as object);
    const handoverId = this.#handovers.get(activity.conversation?.id ?? '');
    if (!handoverId) return false;
    if (activity.type === 'typing') await this.#client.typing(handoverId);
    else if (activity.type === 'message' && activity.text)
      // The activity id makes the channel's redeliveries harmless.
      await this.#client.sendMessage(
        handoverId,
        activity.text,
        activity.id ? { idempotencyKey: activity.id } : {},
      );
    else if (activity.type === 'endOfConversation') await this.#client.endHandover(handoverId);
    return true;
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await Promise.allSettled([...this.#following]);
  }
}

/** The transcript attachment's message activities as the gateway's bot transcript. */
function transcriptOf(initiate: Activity): { role: 'customer' | 'bot'; text: string; at?: string }[] {
  const attachment = initiate.attachments?.find((a) => a.contentType === TRANSCRIPT_CONTENT_TYPE);
  const activities = Array.isArray(attachment?.content) ? (attachment.content as unknown[]) : [];
  return activities.flatMap((raw) => {
    const a = Activity.fromObject(raw as object);
    if (a.type !== 'message' || !a.text) return [];
    const role = a.from?.role === 'bot' || a.from?.id === initiate.from?.id ? 'bot' : 'customer';
    const at = a.timestamp ? new Date(a.timestamp).toISOString() : undefined;
    return [{ role, text: a.text, ...(at ? { at } : {}) }];
  });
}

/** One gateway event → the activities the user's channel gets (none for some). */
export function toActivities(event: HandoverEvent, initiate: Activity): Activity[] {
  const base = {
    conversation: initiate.conversation,
    recipient: initiate.recipient,
    channelId: initiate.channelId,
    serviceUrl: initiate.serviceUrl,
  };
  const status = (state: 'accepted' | 'failed' | 'completed', message?: string) =>
    Activity.fromObject({
      ...base,
      type: ActivityTypes.Event,
      name: 'handoff.status',
      value: { state, ...(message ? { message } : {}) },
    });
  const agent = (a: { id: string; displayName?: string }) => ({
    id: a.id,
    name: a.displayName ?? 'Agent',
    role: 'user',
  });
  switch (event.type) {
    case 'handover.queued':
      return [status('accepted')];
    case 'handover.agent_message':
      return [
        Activity.fromObject({
          ...base,
          type: ActivityTypes.Message,
          from: agent(event.data.agent),
          text: event.data.text,
          attachments: (event.data.attachments ?? []).map((f) => ({
            contentType: f.mime ?? 'application/octet-stream',
            contentUrl: f.url,
            ...(f.filename ? { name: f.filename } : {}),
          })),
        }),
      ];
    case 'handover.agent_typing':
      return [Activity.fromObject({ ...base, type: ActivityTypes.Typing, from: agent(event.data.agent) })];
    case 'handover.system_message':
      return [Activity.fromObject({ ...base, type: ActivityTypes.Message, text: event.data.text })];
    case 'handover.ended':
      return [status('completed', event.data.reason)];
    case 'handover.failed':
      return [status('failed', event.data.error.message)];
    default:
      return []; // joined, left, transferred: show them if your channel has a place for it
  }
}
