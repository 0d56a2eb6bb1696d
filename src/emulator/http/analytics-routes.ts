// POST /api/v2/analytics/queues/observations/query (OM doc §7.2).
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { parsePlatformBody } from '../platform/body.ts';
import { platformErrors } from '../platform/errors.ts';
import { observationQuerySchema, observeQueues, queryProblem } from '../platform/queue-observations.ts';

export function registerAnalyticsRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post('/api/v2/analytics/queues/observations/query', (request) => {
    const query = parsePlatformBody(observationQuerySchema, request.body);
    const problem = queryProblem(query);
    if (problem) throw platformErrors.invalidField(problem.field, problem.message);
    return observeQueues(query, {
      router: ctx.router,
      conversations: ctx.store.list().filter((c) => c.phase !== 'ended'),
      nowMs: Date.now(),
    });
  });
}
