// Dead letters: webhook events whose retry period ran out. Visible and replayable here and with the
// `genesys-handover dead-letters` command (both through the core's DeadLetterService).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { DeadLetterService } from '../../core/services/dead-letter-service.ts';
import { TAGS } from '../openapi/document.ts';
import { errorResponses, WITH_BODY } from '../openapi/error-responses.ts';
import { deadLettersQuery, deadLettersResponse, replayBody, replayResponse } from '../schemas.ts';

export interface DeadLetterRoutesDeps {
  readonly deadLetters: DeadLetterService;
}

export const deadLetterRoutes =
  (deps: DeadLetterRoutesDeps): FastifyPluginAsyncZod =>
  (app) => {
    const security = [{ apiKey: [] }];
    const tags = [TAGS.deadLetters];
    app.get(
      '/dead-letters',
      {
        schema: {
          operationId: 'listDeadLetters',
          tags,
          summary:
            'Webhook events that could not be delivered within the retry period, oldest first; pass `nextCursor` as `cursor` for the next page',
          security,
          querystring: deadLettersQuery,
          response: { 200: deadLettersResponse, ...errorResponses(400) },
        },
      },
      async (req) => {
        const { endpoint, limit, cursor } = req.query;
        const page = await deps.deadLetters.list(req.principal, {
          limit,
          ...(endpoint === undefined ? {} : { endpoint }),
          ...(cursor === undefined ? {} : { cursor }),
        });
        return {
          ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
          items: page.items.map((d) => ({
            event: { ...d.event },
            attempts: d.attempts,
            lastError: d.lastError,
            deadAt: d.deadAt,
          })),
        };
      },
    );

    app.post(
      '/dead-letters/replay',
      {
        schema: {
          operationId: 'replayDeadLetters',
          tags,
          summary: 'Put dead letters back into the webhook outbox (delivered again, in order)',
          security,
          body: replayBody,
          response: { 200: replayResponse, ...errorResponses(...WITH_BODY, 404) },
        },
      },
      async (req) => {
        const { handoverId, eventId } = req.body;
        const replayed = await deps.deadLetters.replay(req.principal, {
          ...(eventId ? { eventId } : {}),
          ...(handoverId ? { handoverId } : {}),
        });
        return { replayed };
      },
    );
    return Promise.resolve();
  };
