// Fault injection API: POST adds a fault (or drops streams right away), GET lists pending faults,
// DELETE clears them. Applied to guest REST calls by an onRequest hook (see installFaultHook).
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { faultError } from '../faults.ts';
import { faultSchema, parseAgentBody } from './agent-schemas.ts';
import { AGENT_PREFIX, conversationIdOfGuestPath, isGuestApi } from './paths.ts';

export function registerFaultRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post(`${AGENT_PREFIX}/faults`, (request, reply) => {
    const spec = parseAgentBody(faultSchema, request.body);
    if (spec.kind === 'drop-streams') {
      // Not a graceful end: sockets die without a close frame, as on a network failure (§9.7).
      return { dropped: ctx.hub.drop(spec.conversationId) };
    }
    if (spec.kind === 'expire-tokens') return { expired: ctx.tokens.expire(spec.clientId) };
    const fault = ctx.faults.add(spec);
    return reply.code(201).send({ fault });
  });

  app.get(`${AGENT_PREFIX}/faults`, () => ({ pending: ctx.faults.list() }));

  app.delete(`${AGENT_PREFIX}/faults`, () => ({ cleared: ctx.faults.clear() }));
}

/** Runs before authentication, like a rate limiter in front of the service would. */
export function installFaultHook(app: FastifyInstance, ctx: EmulatorContext): void {
  app.addHook('onRequest', async (request) => {
    if (!isGuestApi(request.url)) return;
    const fault = ctx.faults.take(conversationIdOfGuestPath(request.url));
    if (!fault) return;
    if (fault.kind === 'delay') {
      await ctx.faults.sleep(fault.delayMs);
      return;
    }
    throw faultError(fault.status, fault.retryAfterSeconds);
  });
}
