// The conversations API of an Open Messaging conversation (OM doc §5, §6), in the platform scope:
// GET the conversation, PATCH a participant to `disconnected` (the only way a bot ends the chat, §5),
// PATCH a participant's attributes, PATCH the conversation to disconnect everyone.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.ts';
import type { Conversation, Member } from '../model.ts';
import { messageConversationView } from '../open-messaging/conversation-view.ts';
import { parsePlatformBody } from '../platform/body.ts';
import { platformErrors } from '../platform/errors.ts';

type ConversationParams = { Params: { conversationId: string } };
type ParticipantParams = { Params: { conversationId: string; participantId: string } };

const PATH = '/api/v2/conversations/messages/:conversationId';

/** SDK `MediaParticipantRequest`: only `state: "disconnected"` is acted upon; other fields are ignored. */
const participantPatchSchema = z.object({
  state: z
    .string()
    .refine((s) => s.toLowerCase() === 'disconnected', 'the emulator supports only "disconnected"')
    .optional(),
});

/** SDK `ParticipantAttributes`. */
const attributesSchema = z.object({ attributes: z.record(z.string(), z.string()) });

/** SDK `Conversation` body of PATCH conversation: `state: "disconnected"` disconnects every participant. */
const conversationPatchSchema = z.object({
  state: z
    .string()
    .refine((s) => s.toLowerCase() === 'disconnected', 'the emulator supports only "disconnected"'),
});

export function registerMessageConversationRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  /** Only Open Messaging conversations are message conversations; a guest chat id is unknown here. */
  const load = (id: string): Conversation => {
    const conversation = ctx.store.get(id);
    if (conversation?.kind !== 'open-messaging') throw platformErrors.notFound('Conversation', id);
    return conversation;
  };
  const participant = (conversation: Conversation, id: string): Member => {
    const member = conversation.members.find((m) => m.id === id);
    if (!member) throw platformErrors.notFound('Participant', id);
    return member;
  };

  app.get<ConversationParams>(PATH, (request) =>
    messageConversationView(load(request.params.conversationId), ctx.conversationViews),
  );

  // §5: 2xx with an empty body. Disconnecting an already disconnected participant is a no-op [U].
  app.patch<ParticipantParams>(`${PATH}/participants/:participantId`, (request, reply) => {
    const conversation = load(request.params.conversationId);
    const member = participant(conversation, request.params.participantId);
    const body = parsePlatformBody(participantPatchSchema, request.body ?? {});
    if (body.state !== undefined && member.state !== 'DISCONNECTED') disconnect(ctx, conversation, member);
    return reply.code(202).send();
  });

  app.patch<ParticipantParams>(`${PATH}/participants/:participantId/attributes`, (request) => {
    const conversation = load(request.params.conversationId);
    const member = participant(conversation, request.params.participantId);
    const body = parsePlatformBody(attributesSchema, request.body);
    member.customFields = { ...member.customFields, ...body.attributes };
    return { attributes: { ...member.customFields } };
  });

  app.patch<ConversationParams>(PATH, (request) => {
    const conversation = load(request.params.conversationId);
    parsePlatformBody(conversationPatchSchema, request.body);
    if (conversation.phase !== 'ended') ctx.chat.customerLeave(conversation);
    return messageConversationView(conversation, ctx.conversationViews);
  });
}

/** What disconnecting a participant means for each purpose. */
function disconnect(ctx: EmulatorContext, conversation: Conversation, member: Member): void {
  switch (member.role) {
    case 'CUSTOMER':
      // The customer leaves: the agent (if any) goes too and the conversation ends (§5; [U] §10.7).
      ctx.chat.customerLeave(conversation);
      return;
    case 'AGENT':
      if (member.state === 'ALERTING') ctx.chat.rejectAgent(conversation, member.id);
      else ctx.chat.agentLeave(conversation);
      return;
    case 'ACD':
    case 'WORKFLOW':
      throw platformErrors.invalidField(
        'participantId',
        'the emulator disconnects customer and agent participants only',
      );
  }
}
