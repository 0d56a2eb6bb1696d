// The emulator's agent API (not a Genesys surface): inspect conversations and act as the agent.
// JSON in, JSON out, errors as {error:{code,message,details?}} with stable codes.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { avatarSvg, isAvatarSlug } from '../avatars.ts';
import type { EmulatorContext } from '../context.ts';
import { EmulatorApiError } from '../errors.ts';
import { alertingAgent, isActive, type Conversation, type Member } from '../model.ts';
import { queueId } from '../platform/ids.ts';
import { conversationDetail, conversationSummary, mediaRequestView } from '../views.ts';
import {
  agentChoiceSchema,
  agentMessageSchema,
  alertingAgentSchema,
  conversationListQuerySchema,
  emptyBodySchema,
  mediaRequestCreateSchema,
  parseAgentBody,
} from './agent-schemas.ts';
import { AGENT_PREFIX } from './paths.ts';

type IdParams = { Params: { id: string } };

const agentView = (agent: Member) => ({
  id: agent.id,
  displayName: agent.displayName,
  avatarImageUrl: agent.avatarImageUrl,
  state: agent.state,
});

export function registerAgentRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const load = (id: string): Conversation => {
    const conversation = ctx.store.get(id);
    if (!conversation)
      throw new EmulatorApiError(404, 'conversation_not_found', `No conversation with id "${id}".`);
    return conversation;
  };
  const summary = (c: Conversation) => conversationSummary(c, ctx.hub.count(c.id), ctx.router);

  app.get(`${AGENT_PREFIX}/healthz`, () => ({
    status: 'ok',
    conversations: ctx.store.list().length,
    attachedStreams: ctx.hub.totalSockets(),
  }));

  app.get(`${AGENT_PREFIX}/conversations`, (request) => {
    const query = parseAgentBody(conversationListQuerySchema, request.query);
    const entities = ctx.store
      .list()
      .filter((c) => query.state === undefined || c.phase === query.state)
      .filter((c) => query.kind === undefined || c.kind === query.kind)
      .map(summary);
    return { entities, total: entities.length };
  });

  app.get<IdParams>(`${AGENT_PREFIX}/conversations/:id`, (request) => {
    const conversation = load(request.params.id);
    return conversationDetail(conversation, ctx.hub.count(conversation.id), ctx.router);
  });

  app.post<IdParams>(`${AGENT_PREFIX}/conversations/:id/agent/join`, (request) => {
    const conversation = load(request.params.id);
    const choice = parseAgentBody(agentChoiceSchema, request.body);
    const agent = ctx.chat.joinAgent(conversation, choice);
    return { agent: agentView(agent), conversation: summary(conversation) };
  });

  // Offer and answer separately (join does both): the agent is ALERTING until it accepts or rejects.
  app.post<IdParams>(`${AGENT_PREFIX}/conversations/:id/agent/offer`, (request) => {
    const conversation = load(request.params.id);
    const agent = ctx.chat.offerAgent(conversation, parseAgentBody(agentChoiceSchema, request.body));
    return { agent: agentView(agent), conversation: summary(conversation) };
  });

  app.post<IdParams>(`${AGENT_PREFIX}/conversations/:id/agent/accept`, (request) => {
    const conversation = load(request.params.id);
    const { agentId } = parseAgentBody(alertingAgentSchema, request.body);
    const agent = ctx.chat.acceptAgent(conversation, agentId ?? alertingAgent(conversation)?.id ?? '');
    return { agent: agentView(agent), conversation: summary(conversation) };
  });

  // The alerting agent declines: the chat goes back to the queue (OM doc §4.6: Genesys still says user.end).
  app.post<IdParams>(`${AGENT_PREFIX}/conversations/:id/agent/reject`, (request) => {
    const conversation = load(request.params.id);
    const { agentId } = parseAgentBody(alertingAgentSchema, request.body);
    const agent = ctx.chat.rejectAgent(conversation, agentId ?? alertingAgent(conversation)?.id ?? '');
    return { agent: agentView(agent), conversation: summary(conversation) };
  });

  app.post<IdParams>(`${AGENT_PREFIX}/conversations/:id/agent/messages`, (request) => {
    const conversation = load(request.params.id);
    const body = parseAgentBody(agentMessageSchema, request.body);
    const message = ctx.chat.agentMessage(conversation, body.body, body.bodyType ?? 'standard');
    return { message };
  });

  app.post<IdParams>(`${AGENT_PREFIX}/conversations/:id/agent/typing`, (request) => {
    const conversation = load(request.params.id);
    parseAgentBody(emptyBodySchema, request.body);
    return { typing: ctx.chat.agentTyping(conversation) };
  });

  app.post<IdParams>(`${AGENT_PREFIX}/conversations/:id/agent/leave`, (request) => {
    const conversation = load(request.params.id);
    parseAgentBody(emptyBodySchema, request.body);
    ctx.chat.agentLeave(conversation);
    return { conversation: summary(conversation) };
  });

  app.post<IdParams>(`${AGENT_PREFIX}/conversations/:id/transfer`, (request) => {
    const conversation = load(request.params.id);
    const choice = parseAgentBody(agentChoiceSchema, request.body);
    const { from, to } = ctx.chat.transfer(conversation, choice);
    return {
      from: { id: from.id, displayName: from.displayName, state: from.state },
      to: { id: to.id, displayName: to.displayName, avatarImageUrl: to.avatarImageUrl, state: to.state },
      conversation: summary(conversation),
    };
  });

  // §5.9 / §6.13: an agent offers co-browse or screen share. How Genesys announced it on the stream is
  // unknown [U]; the emulator records a PENDING request the guest can list/get/patch.
  app.post<IdParams>(`${AGENT_PREFIX}/conversations/:id/media-requests`, (request, reply) => {
    const conversation = load(request.params.id);
    const body = parseAgentBody(mediaRequestCreateSchema, request.body);
    if (!isActive(conversation))
      throw new EmulatorApiError(409, 'conversation_not_active', 'The conversation is not active.');
    const mediaRequest = {
      id: randomUUID(),
      types: body.types,
      state: 'PENDING' as const,
      ...(body.name !== undefined ? { name: body.name } : {}),
    };
    conversation.mediaRequests.push(mediaRequest);
    return reply.code(201).send({ mediaRequest: mediaRequestView(conversation.id, mediaRequest) });
  });

  app.get(`${AGENT_PREFIX}/queues`, () => ({
    entities: ctx.router.queueNames().map((name) => ({
      // The platform id of the queue (Open Messaging routing data and custom attributes use it).
      id: queueId(name),
      name,
      agents: ctx.router.agentsOf(name).map((a) => ({
        name: a.name,
        skills: [...a.skills],
        languages: [...a.languages],
        capacity: a.capacity,
        load: ctx.router.load(a.key),
        avatarImageUrl: a.avatarImageUrl ?? `${ctx.baseUrl()}${AGENT_PREFIX}/avatars/${a.avatarSlug}.svg`,
      })),
      waiting: ctx.chat
        .waiting()
        .filter((c) => c.routing.queue === name)
        .map((c) => ({ id: c.id, priority: c.routing.priority })),
    })),
  }));

  app.get<{ Params: { file: string } }>(`${AGENT_PREFIX}/avatars/:file`, (request, reply) => {
    const slug = request.params.file.replace(/\.svg$/, '');
    if (!request.params.file.endsWith('.svg') || !isAvatarSlug(slug)) {
      throw new EmulatorApiError(
        404,
        'avatar_not_found',
        'Avatars are served as /emulator/v1/avatars/<slug>.svg.',
      );
    }
    return reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(avatarSvg(slug));
  });
}
