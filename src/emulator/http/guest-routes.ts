// The guest REST API (§5): create, members, messages, typing, leave. Media requests live in
// media-routes.ts. Every handler authenticates first (except create), then validates, then acts.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { GuestApiError, guestErrors } from '../errors.ts';
import { pageHistory } from '../history.ts';
import { looksLikeJwt } from '../jwt.ts';
import { findMember, type Member } from '../model.ts';
import { pageOf } from '../platform/listing.ts';
import { memberInfo, webChatMessage, webChatTyping } from '../views.ts';
import { authenticate, type GuestSession } from './guest-auth.ts';
import {
  historyQuerySchema,
  membersQuerySchema,
  parseCreateBody,
  parseQuery,
  parseSendBody,
} from './guest-schemas.ts';
import { GUEST_PREFIX } from './paths.ts';
import { wsBase } from './ws-base.ts';

type ConversationParams = { Params: { conversationId: string } };
type MemberParams = { Params: { conversationId: string; memberId: string } };
type MessageParams = { Params: { conversationId: string; messageId: string } };

/** §10: a guest may act (send, type, leave) only as itself; unknown member → 404, someone else → 403. */
function requireSelf(session: GuestSession, memberId: string): Member {
  const member = findMember(session.conversation, memberId);
  if (!member) throw guestErrors.memberNotFound();
  if (member.id !== session.memberId) throw guestErrors.notAuthorized();
  return member;
}

export function registerGuestRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  // §5.1 create — unauthenticated.
  app.post(GUEST_PREFIX, (request, reply) => {
    const body = parseCreateBody(request.body);
    const deployment = ctx.options.deployments[body.deploymentId] ?? {};
    if (deployment.disabled === true) {
      throw new GuestApiError(400, 'chat.deployment.disabled', 'The web chat deployment is disabled.');
    }
    const authToken = body.memberAuthToken ?? undefined;
    if (deployment.requireAuth === true && (authToken === undefined || authToken === '')) {
      throw new GuestApiError(
        400,
        'chat.deployment.require.auth',
        'The web chat deployment requires an authenticated customer.',
      );
    }
    if (authToken !== undefined && authToken !== '' && !looksLikeJwt(authToken)) {
      throw new GuestApiError(400, 'chat.deployment.bad.auth', 'Customer authentication failed.');
    }
    const target = body.routingTarget;
    if (!ctx.router.hasQueue(target.targetAddress)) {
      // §5.1: targetAddress is the queue *name*.
      throw new GuestApiError(400, 'chat.error.invalid.queue', 'The queue is not valid.', {
        messageParams: { queue: target.targetAddress },
      });
    }
    const info = body.memberInfo;
    const conversation = ctx.chat.create({
      organizationId: body.organizationId,
      deploymentId: body.deploymentId,
      routing: {
        queue: target.targetAddress,
        skills: target.skills ?? [],
        ...(target.language ? { language: target.language } : {}),
        priority: target.priority ?? 0,
      },
      customer: {
        displayName: info.displayName,
        ...(info.firstName != null ? { firstName: info.firstName } : {}),
        ...(info.lastName != null ? { lastName: info.lastName } : {}),
        ...(info.email != null ? { email: info.email } : {}),
        ...(info.phoneNumber != null ? { phoneNumber: info.phoneNumber } : {}),
        ...(info.avatarImageUrl != null ? { avatarImageUrl: info.avatarImageUrl } : {}),
        ...(info.customFields != null ? { customFields: info.customFields } : {}),
        authenticatedGuest: authToken !== undefined && authToken !== '',
      },
    });
    const jwt = ctx.jwt.mint({
      organizationId: conversation.organizationId,
      conversationId: conversation.id,
      deploymentId: body.deploymentId,
      memberId: conversation.customerId,
    });
    // §6.4: production returned only {id} as member (§5.1, S11).
    return reply.send({
      id: conversation.id,
      jwt,
      eventStreamUri: `${wsBase(ctx, request)}/v1/token/${jwt}`,
      member: { id: conversation.customerId },
    });
  });

  // §5.3 list members (Genesys paging envelope, §6.6).
  app.get<ConversationParams>(`${GUEST_PREFIX}/:conversationId/members`, (request) => {
    const session = authenticate(ctx, request, request.params.conversationId);
    const query = parseQuery(membersQuerySchema, request.query);
    const pageSize = query.pageSize ?? 25;
    const pageNumber = query.pageNumber ?? 1;
    const exclude = query.excludeDisconnectedMembers ?? false;
    const members = session.conversation.members.filter((m) => !exclude || m.state !== 'DISCONNECTED');
    const page = pageOf(members, {
      pageSize,
      pageNumber,
      basePath: `${GUEST_PREFIX}/${session.conversation.id}/members`,
      extraQuery: exclude ? '&excludeDisconnectedMembers=true' : '',
    });
    return { ...page, entities: page.entities.map(memberInfo) };
  });

  // §5.2 one member — any member of the own conversation (§10: used to resolve agents).
  app.get<MemberParams>(`${GUEST_PREFIX}/:conversationId/members/:memberId`, (request) => {
    const session = authenticate(ctx, request, request.params.conversationId);
    const member = findMember(session.conversation, request.params.memberId);
    if (!member) throw guestErrors.memberNotFound();
    return memberInfo(member);
  });

  // §5.8 leave — 204, then member-change DISCONNECTED + member-leave on the stream.
  app.delete<MemberParams>(`${GUEST_PREFIX}/:conversationId/members/:memberId`, (request, reply) => {
    const session = authenticate(ctx, request, request.params.conversationId);
    requireSelf(session, request.params.memberId);
    ctx.chat.customerLeave(session.conversation);
    return reply.code(204).send();
  });

  // §5.6 send a message.
  app.post<MemberParams>(`${GUEST_PREFIX}/:conversationId/members/:memberId/messages`, (request) => {
    const session = authenticate(ctx, request, request.params.conversationId);
    requireSelf(session, request.params.memberId);
    const body = parseSendBody(request.body);
    const message = ctx.chat.customerMessage(session.conversation, body.body, body.bodyType ?? 'standard');
    return webChatMessage(session.conversation.id, message);
  });

  // §5.7 typing — no body (the SDK still sends a JSON content type, §4).
  app.post<MemberParams>(`${GUEST_PREFIX}/:conversationId/members/:memberId/typing`, (request) => {
    const session = authenticate(ctx, request, request.params.conversationId);
    requireSelf(session, request.params.memberId);
    const typing = ctx.chat.customerTyping(session.conversation);
    return webChatTyping(session.conversation.id, typing);
  });

  // §5.5 history.
  app.get<ConversationParams>(`${GUEST_PREFIX}/:conversationId/messages`, (request) => {
    const session = authenticate(ctx, request, request.params.conversationId);
    const query = parseQuery(historyQuerySchema, request.query);
    const maxResults = query.maxResults ?? 100;
    const result = pageHistory(
      session.conversation.messages,
      `${GUEST_PREFIX}/${session.conversation.id}/messages`,
      {
        after: query.after,
        before: query.before,
        sortOrder: query.sortOrder ?? 'ascending',
        maxResults,
      },
    );
    if (!result.ok) {
      throw guestErrors.invalidQuery(
        result.badParam,
        String((request.query as Record<string, unknown>)[result.badParam]),
      );
    }
    const { page } = result;
    return {
      pageSize: maxResults,
      entities: page.entities.map((m) => webChatMessage(session.conversation.id, m)),
      ...(page.previousPage !== undefined ? { previousPage: page.previousPage } : {}),
      ...(page.next !== undefined ? { next: page.next } : {}),
      selfUri: page.selfUri,
    };
  });

  // §5.4 one message.
  app.get<MessageParams>(`${GUEST_PREFIX}/:conversationId/messages/:messageId`, (request) => {
    const session = authenticate(ctx, request, request.params.conversationId);
    const message = session.conversation.messages.find((m) => m.id === request.params.messageId);
    if (!message) throw guestErrors.messageNotFound();
    return webChatMessage(session.conversation.id, message);
  });
}
