// Dead letters: webhook events whose retry period ran out. Visible and replayable here and with the
// `genesys-handover dead-letters` command.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { GatewayError } from '../../core/errors.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { HandoverStore } from '../../core/ports/store.ts';
import {
  deadLettersQuery,
  deadLettersResponse,
  errorResponse,
  replayBody,
  replayResponse,
} from '../schemas.ts';

export interface DeadLetterRoutesDeps {
  readonly store: HandoverStore;
  readonly clock: Clock;
  /** Wakes the webhook dispatcher after a replay. */
  readonly onReplay: () => void;
}

/** The store returns dead letters across endpoints; a key sees only its own, so read a wider window. */
const SCAN_FACTOR = 10;

export const deadLetterRoutes =
  (deps: DeadLetterRoutesDeps): FastifyPluginAsyncZod =>
  (app) => {
    const security = [{ apiKey: [] }];
    app.get(
      '/dead-letters',
      {
        schema: {
          summary: 'Webhook events that could not be delivered within the retry period, oldest first',
          security,
          querystring: deadLettersQuery,
          response: { 200: deadLettersResponse, 400: errorResponse, 401: errorResponse, 403: errorResponse },
        },
      },
      async (req) => {
        const { endpoint, limit } = req.query;
        if (endpoint && !req.principal.mayUse(endpoint)) throw new GatewayError('FORBIDDEN');
        const all = await deps.store.deadLetters(limit * SCAN_FACTOR);
        const items = all
          .filter(
            (d) => req.principal.mayUse(d.event.endpointId) && (!endpoint || d.event.endpointId === endpoint),
          )
          .slice(0, limit)
          .map((d) => ({
            event: { ...d.event },
            attempts: d.attempts,
            lastError: d.lastError,
            deadAt: d.deadAt,
          }));
        return { items };
      },
    );

    app.post(
      '/dead-letters/replay',
      {
        schema: {
          summary: 'Put dead letters back into the webhook outbox (delivered again, in order)',
          security,
          body: replayBody,
          response: {
            200: replayResponse,
            400: errorResponse,
            401: errorResponse,
            403: errorResponse,
            404: errorResponse,
          },
        },
      },
      async (req) => {
        const { handoverId, eventId } = req.body;
        if (eventId) {
          const event = await deps.store.getEvent(eventId);
          if (!event)
            throw new GatewayError('VALIDATION_FAILED', {
              details: [{ path: 'body.eventId', message: 'no such event' }],
            });
          if (!req.principal.mayUse(event.endpointId)) throw new GatewayError('FORBIDDEN');
        } else if (handoverId) {
          const rec = await deps.store.getHandover(handoverId);
          if (!rec) throw new GatewayError('HANDOVER_NOT_FOUND');
          if (!req.principal.mayUse(rec.handover.endpointId)) throw new GatewayError('FORBIDDEN');
        } else if (req.principal.endpoints !== '*') {
          throw new GatewayError('FORBIDDEN', {
            message:
              'Replaying every dead letter needs a key for all endpoints; name a handoverId or eventId.',
          });
        }
        const replayed = await deps.store.replayDeadLetters(
          { ...(eventId ? { eventId } : {}), ...(handoverId ? { handoverId } : {}) },
          deps.clock.now().toISOString(),
        );
        if (replayed > 0) deps.onReplay();
        return { replayed };
      },
    );
    return Promise.resolve();
  };
