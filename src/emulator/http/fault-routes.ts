// Fault injection API: POST adds a fault (or acts right away: drop streams, expire tokens), GET lists
// pending faults, DELETE clears them. REST faults are applied by an onRequest hook (installFaultHook);
// webhook faults by the webhook sender.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { faultError, type FaultApi } from '../faults.ts';
import { faultSchema, parseAgentBody } from './agent-schemas.ts';
import {
  AGENT_PREFIX,
  conversationIdOfGuestPath,
  conversationIdOfPlatformPath,
  isGuestApi,
  isPlatformApi,
} from './paths.ts';

export function registerFaultRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post(`${AGENT_PREFIX}/faults`, (request, reply) => {
    const spec = parseAgentBody(faultSchema, request.body);
    if (spec.kind === 'drop-streams') {
      // Not a graceful end: sockets die without a close frame, as on a network failure (§9.7).
      return { dropped: ctx.hub.drop(spec.conversationId) };
    }
    if (spec.kind === 'expire-tokens') return { expired: ctx.tokens.expire(spec.clientId) };
    if (spec.kind === 'raw-frames') return { sockets: ctx.hub.sendRaw(spec.conversationId, spec.frames) };
    if (spec.kind === 'drop-notification-sockets')
      return { closed: ctx.channels.closeSockets(spec.channelId, spec.mode) };
    const fault = ctx.faults.add(spec);
    return reply.code(201).send({ fault });
  });

  app.get(`${AGENT_PREFIX}/faults`, () => ({ pending: ctx.faults.list() }));

  app.delete(`${AGENT_PREFIX}/faults`, () => ({ cleared: ctx.faults.clear() }));
}

/** Runs before authentication, like a rate limiter in front of the service would. */
export function installFaultHook(app: FastifyInstance, ctx: EmulatorContext): void {
  app.addHook('onRequest', async (request) => {
    const api: FaultApi | undefined = isGuestApi(request.url)
      ? 'guest-chat'
      : isPlatformApi(request.url)
        ? 'platform'
        : undefined;
    if (api === undefined) return;
    const conversationId =
      api === 'guest-chat'
        ? conversationIdOfGuestPath(request.url)
        : conversationIdOfPlatformPath(request.url);
    const fault = ctx.faults.take(
      (f) =>
        (f.kind === 'http-error' || f.kind === 'delay') &&
        (f.api ?? 'guest-chat') === api &&
        (f.conversationId === undefined || f.conversationId === conversationId),
    );
    if (!fault || (fault.kind !== 'delay' && fault.kind !== 'http-error')) return;
    if (fault.kind === 'delay') {
      await ctx.faults.sleep(fault.delayMs);
      return;
    }
    throw faultError(fault.status, fault.retryAfterSeconds);
  });
}
