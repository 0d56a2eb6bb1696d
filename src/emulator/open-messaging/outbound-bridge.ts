// Turns what happens in an Open Messaging conversation into webhook calls (OM doc §4): agent
// messages (originatingEntity Human), the flow's Send Response texts (Bot) and agent typing. Joins,
// leaves, transfers and the end are NOT on the webhook (§4.6) — the Notifications API carries them.
import type { ChatService } from '../chat-service.ts';
import { customerOf, type ChatMessage, type Conversation, type Member } from '../model.ts';
import type { IntegrationStore } from './integration.ts';
import {
  messageEnvelope,
  typingEnvelope,
  type EnvelopeTarget,
  type OriginatingEntity,
} from './outbound-envelope.ts';
import type { WebhookSender, WebhookTarget } from './webhook-sender.ts';

const ORIGIN: Partial<Record<Member['role'], OriginatingEntity>> = { AGENT: 'Human', WORKFLOW: 'Bot' };

export class OutboundBridge {
  readonly #integrations: IntegrationStore;
  readonly #sender: WebhookSender;
  readonly #typingDurationMs: number;

  constructor(
    chat: ChatService,
    integrations: IntegrationStore,
    sender: WebhookSender,
    typingDurationMs: number,
  ) {
    this.#integrations = integrations;
    this.#sender = sender;
    this.#typingDurationMs = typingDurationMs;
    chat.observe({
      messageRecorded: (conversation, message, sender) => this.#message(conversation, message, sender),
      typing: (conversation, typing, sender) => {
        if (sender.role !== 'AGENT') return;
        this.#send(conversation, (target) =>
          typingEnvelope(target, typing.timestamp, this.#typingDurationMs),
        );
      },
    });
  }

  #message(conversation: Conversation, message: ChatMessage, sender: Member): void {
    const origin = ORIGIN[sender.role];
    if (origin === undefined || (message.bodyType !== 'standard' && message.bodyType !== 'notice')) return;
    this.#send(conversation, (target) => messageEnvelope(target, message, origin));
  }

  /** Reads the integration at send time: a deleted integration gets no more calls. */
  #send(conversation: Conversation, build: (target: EnvelopeTarget) => Record<string, unknown>): void {
    if (conversation.kind !== 'open-messaging' || conversation.integrationId === undefined) return;
    const integration = this.#integrations.get(conversation.integrationId);
    const customerAddress = customerOf(conversation).address;
    if (!integration || customerAddress === undefined) return;
    const webhook: WebhookTarget = {
      integrationId: integration.id,
      url: integration.outboundNotificationWebhookUrl,
      secret: integration.outboundNotificationWebhookSignatureSecretToken,
      headers: integration.webhookHeaders ?? {},
    };
    const envelope = build({
      integration: { id: integration.id, name: integration.name },
      customerAddress,
      conversationId: conversation.id,
    });
    this.#sender.send(webhook, envelope, conversation.id);
  }
}
