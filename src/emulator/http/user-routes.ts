// GET /api/v2/users/{userId} (OM doc §4.6): the agent's name and images, in the platform scope.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.ts';
import { platformErrors } from '../platform/errors.ts';
import { EMULATOR_DIVISION_ID } from '../platform/organization.ts';
import { userView } from '../platform/users.ts';
import { parseQuery, stringParam } from './query-params.ts';

/** The SDK's getUser options; accepted and ignored (the emulator has one shape of user). */
const userQuerySchema = z.object({
  expand: stringParam,
  integrationPresenceSource: stringParam,
  state: stringParam,
});

export function registerUserRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{ Params: { userId: string } }>('/api/v2/users/:userId', (request) => {
    parseQuery(userQuerySchema, request.query);
    const user = ctx.users.find(request.params.userId);
    if (!user) throw platformErrors.notFound('User', request.params.userId);
    return userView(user, EMULATOR_DIVISION_ID);
  });
}
