// GET /v1/endpoints/{id}/availability: whether the endpoint is open now (and when that changes),
// how many agents fit the language and skills, how many customers wait and how long — each figure
// with its source (docs/availability.md). Cached per endpoint, so bots may ask on every turn.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { GatewayError } from '../../core/errors.ts';
import type { AvailabilityService } from '../../core/availability/availability-service.ts';
import { TAGS } from '../openapi/document.ts';
import { errorResponses } from '../openapi/error-responses.ts';
import { safeString } from '../safe-string.ts';

const SOURCES = [
  'genesys-schedule-group',
  'endpoint-hours',
  'genesys-queue-members',
  'genesys-queue-observations',
  'genesys-estimated-wait-time',
  'not-configured',
  'unavailable',
  'error',
] as const;

const figure = <T extends z.ZodType>(value: T) =>
  z.object({ value: value.nullable(), source: z.enum(SOURCES) });

const availabilityQuery = z.object({
  language: safeString().trim().min(1).max(100).optional().describe('A Genesys language name.'),
  skills: safeString()
    .max(2000)
    .optional()
    .describe('Comma-separated skill names; an agent must have every one.')
    .transform((s) =>
      (s ?? '')
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== ''),
    )
    .pipe(z.array(z.string().max(100)).max(50)),
});

const availabilityResponse = z.object({
  endpointId: z.string(),
  asOf: z.string(),
  open: figure(z.boolean()).extend({
    path: z.enum(['emergency', 'holiday', 'closed', 'open']).optional(),
    decidedBy: z.string().optional(),
    timeZone: z.string().optional(),
    nextOpening: z.string().optional(),
    nextClosing: z.string().optional(),
  }),
  agentsAvailable: figure(z.number()).extend({
    idle: z.number().optional(),
    interacting: z.number().optional(),
    onQueue: z.number().optional(),
  }),
  waiting: figure(z.number()),
  estimatedWaitSeconds: figure(z.number()),
});

export const availabilityRoutes =
  (deps: { readonly availability: AvailabilityService }): FastifyPluginAsyncZod =>
  (app) => {
    app.get(
      '/endpoints/:endpointId/availability',
      {
        schema: {
          operationId: 'getEndpointAvailability',
          tags: [TAGS.endpoints],
          summary: 'Business hours, fitting agents, waiting customers and the estimated wait of an endpoint',
          security: [{ apiKey: [] }],
          params: z.object({ endpointId: safeString().min(1).max(64) }),
          querystring: availabilityQuery,
          response: {
            200: availabilityResponse,
            ...errorResponses(400, 404),
          },
        },
      },
      async (req) => {
        const { endpointId } = req.params;
        if (!req.principal.mayUse(endpointId)) throw new GatewayError('FORBIDDEN');
        return deps.availability.check(endpointId, {
          language: req.query.language,
          skills: req.query.skills,
        });
      },
    );
    return Promise.resolve();
  };
