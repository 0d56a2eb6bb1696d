// The agent API's availability controls (not a Genesys surface): agents go on and off queue, and
// schedules, schedule groups and emergency groups are created or changed — what the Platform API
// reads of OM doc §7 then show.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.ts';
import { EmulatorApiError } from '../errors.ts';
import { userIdOfAgent } from '../platform/ids.ts';
import { routingStatusOf } from '../platform/routing-directory.ts';
import {
  emergencyGroupSchema,
  scheduleGroupSchema,
  scheduleSchema,
} from '../platform/business-hours-schema.ts';
import { PRESENCES } from '../routing.ts';
import { parseAgentBody } from './agent-schemas.ts';
import { AGENT_PREFIX } from './paths.ts';

const presenceSchema = z.strictObject({ presence: z.enum(PRESENCES) });

export function registerAgentAvailabilityRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const agentView = (agent: ReturnType<typeof ctx.router.agents>[number]) => ({
    name: agent.name,
    slug: agent.avatarSlug,
    userId: userIdOfAgent(agent.key),
    queues: agent.queues,
    presence: ctx.router.presenceOf(agent.key).presence,
    routingStatus: routingStatusOf(ctx.router, agent),
    load: ctx.router.load(agent.key),
    capacity: agent.capacity,
  });

  app.get(`${AGENT_PREFIX}/agents`, () => ({ entities: ctx.router.agents().map(agentView) }));

  // Platform API requests answered so far, by route (a client's request budget, OM §1.4).
  app.get(`${AGENT_PREFIX}/platform-requests`, () => ctx.platformRequests.view());

  // An agent by name or slug goes on queue ("On Queue") or off it (any other presence).
  app.put<{ Params: { agent: string } }>(`${AGENT_PREFIX}/agents/:agent/presence`, (request) => {
    const { presence } = parseAgentBody(presenceSchema, request.body);
    const agent =
      ctx.router.agentBySlug(request.params.agent) ?? ctx.router.agentByName(request.params.agent);
    if (!agent)
      throw new EmulatorApiError(404, 'agent_not_found', `No configured agent "${request.params.agent}".`);
    ctx.router.setPresence(agent.key, presence, new Date().toISOString());
    // Coming on queue may let a waiting chat be routed now.
    ctx.chat.agentsChanged();
    return { agent: agentView(agent) };
  });

  const upsert = <T extends z.ZodType>(
    path: string,
    schema: T,
    put: (body: z.infer<T>) => Record<string, unknown>,
  ) => {
    app.put(`${AGENT_PREFIX}/architect/${path}`, (request) => {
      const body = parseAgentBody(schema, request.body);
      try {
        return put(body);
      } catch (error) {
        if (error instanceof RangeError) throw new EmulatorApiError(400, 'validation_failed', error.message);
        throw error;
      }
    });
  };
  upsert('schedules', scheduleSchema, (body) => ctx.architect.putSchedule(body));
  upsert('schedulegroups', scheduleGroupSchema, (body) => ctx.architect.putScheduleGroup(body));
  upsert('emergencygroups', emergencyGroupSchema, (body) => ctx.architect.putEmergencyGroup(body));
}
