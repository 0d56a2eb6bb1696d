// What the three inbound endpoints do (OM doc §3): a message joins the customer's active
// conversation or creates one (running the Architect stand-in, §6); a typing event shows the
// customer typing; a receipt records the delivery status of an agent or bot message.
import { randomUUID } from 'node:crypto';
import type { ChatService } from '../chat-service.ts';
import { customerOf, type Attachment, type Conversation } from '../model.ts';
import { platformErrors } from '../platform/errors.ts';
import { EMULATOR_ORGANIZATION } from '../platform/organization.ts';
import type { Router } from '../routing.ts';
import { runInboundFlow } from './architect.ts';
import type { InboundEvent, InboundMessage, InboundReceipt } from './inbound-schemas.ts';
import type { Integration, IntegrationStore } from './integration.ts';
import { inboundEventAnswer, inboundMessageAnswer, inboundReceiptAnswer } from './normalized.ts';
import type { ResolvedOpenMessagingOptions } from './options.ts';
import type { OpenSessions } from './sessions.ts';

export interface InboundDeps {
  readonly chat: ChatService;
  readonly router: Router;
  readonly integrations: IntegrationStore;
  readonly sessions: OpenSessions;
  readonly options: ResolvedOpenMessagingOptions;
}

type From = InboundMessage['channel']['from'];

function displayNameOf(from: From): string {
  const full = [from.firstName, from.lastName]
    .filter((p) => p !== undefined && p !== null && p !== '')
    .join(' ');
  return from.nickname ?? (full !== '' ? full : from.id);
}

function attachmentsOf(body: InboundMessage): Attachment[] {
  return (body.content ?? []).map(({ attachment: a }) => ({
    id: a.id ?? randomUUID(),
    mediaType: a.mediaType,
    url: a.url,
    mime: a.mime,
    ...(a.filename !== undefined ? { filename: a.filename } : {}),
    ...(a.sha256 !== undefined ? { sha256: a.sha256 } : {}),
  }));
}

export class InboundService {
  readonly #deps: InboundDeps;

  constructor(deps: InboundDeps) {
    this.#deps = deps;
  }

  /** The integration must exist and have finished provisioning (§2 createStatus). */
  requireReady(integrationId: string): Integration {
    const integration = this.#deps.integrations.get(integrationId);
    if (!integration) throw platformErrors.notFound('Integration', integrationId);
    if (integration.createStatus !== 'Completed')
      throw platformErrors.invalidField(
        'integrationId',
        `the integration is not ready yet (createStatus ${integration.createStatus})`,
      );
    return integration;
  }

  /** §3.1; the answer carries `conversationId` only with `prefetchConversationId=true`. */
  message(integration: Integration, body: InboundMessage, prefetchConversationId: boolean): unknown {
    const { chat, sessions, options } = this.#deps;
    const from = body.channel.from;
    const messageId = body.channel.messageId;
    if (options.dedupeInboundMessageIds && messageId !== undefined) {
      const earlier = sessions.rememberedAnswer(integration.id, from.id, messageId);
      if (earlier !== undefined) return earlier;
    }
    const attributes = body.channel.metadata?.customAttributes ?? {};
    const attachments = attachmentsOf(body);
    const text = body.text ?? '';
    let conversation = sessions.activeConversation(integration.id, from.id);
    let recordedId: string;
    if (conversation) {
      // Later custom attributes update the participant data [U: Genesys may ignore them].
      if (Object.keys(attributes).length > 0) {
        const customer = customerOf(conversation);
        customer.customFields = { ...customer.customFields, ...attributes };
      }
      recordedId = chat.customerMessage(conversation, text, 'standard', attachments).id;
    } else {
      const flow = runInboundFlow(attributes, options.architect, this.#deps.router);
      const created = chat.createOpenMessaging({
        organizationId: EMULATOR_ORGANIZATION.id,
        integrationId: integration.id,
        customer: {
          address: from.id,
          displayName: displayNameOf(from),
          ...(from.firstName != null ? { firstName: from.firstName } : {}),
          ...(from.lastName != null ? { lastName: from.lastName } : {}),
          ...(from.email != null ? { email: from.email } : {}),
          ...(from.idType === 'Phone' ? { phoneNumber: from.id } : {}),
          ...(from.image != null ? { avatarImageUrl: from.image } : {}),
          customFields: { ...attributes },
        },
        firstMessage: { body: text, attachments },
        flow: { name: flow.flowName, responses: flow.responses },
        routing: flow.routing,
      });
      conversation = created.conversation;
      sessions.bind(integration.id, from.id, conversation.id);
      recordedId = created.message.id;
    }
    const answer = inboundMessageAnswer(
      integration.id,
      recordedId,
      body,
      attachments,
      prefetchConversationId ? conversation.id : undefined,
    );
    if (options.dedupeInboundMessageIds && messageId !== undefined)
      sessions.rememberAnswer(integration.id, from.id, messageId, answer);
    return answer;
  }

  /** §3.2: typing reaches the agent while the customer has an active conversation; otherwise it is dropped [U]. */
  event(integration: Integration, body: InboundEvent): unknown {
    const conversation = this.#deps.sessions.activeConversation(integration.id, body.channel.from.id);
    const typing = conversation ? this.#deps.chat.customerTyping(conversation) : undefined;
    return inboundEventAnswer(integration.id, typing?.id ?? randomUUID(), body);
  }

  /** §3.3: the receipt must name an agent or bot message sent to that customer. */
  receipt(integration: Integration, body: InboundReceipt): unknown {
    const message = this.#outboundMessage(integration.id, body.channel.to.id, body.id);
    if (!message) throw platformErrors.notFound('Message', body.id);
    message.delivery = {
      status: body.status,
      ...(body.reasons !== undefined
        ? {
            reasons: body.reasons.map((r) => ({
              message: r.message,
              ...(r.code !== undefined ? { code: r.code } : {}),
            })),
          }
        : {}),
      time: body.channel.time,
    };
    return inboundReceiptAnswer(integration.id, body);
  }

  #outboundMessage(integrationId: string, customerAddress: string, messageId: string) {
    for (const conversation of this.#deps.sessions.conversationsOf(integrationId, customerAddress)) {
      const message = conversation.messages.find((m) => m.id === messageId);
      if (
        message &&
        message.senderId !== conversation.customerId &&
        isOutboundText(conversation, message.senderId)
      )
        return message;
    }
    return undefined;
  }
}

/** Agent and bot (flow) messages go out to the customer; joins/leaves and the customer's own do not. */
function isOutboundText(conversation: Conversation, senderId: string): boolean {
  const role = conversation.members.find((m) => m.id === senderId)?.role;
  return role === 'AGENT' || role === 'WORKFLOW';
}
