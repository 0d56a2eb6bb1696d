// GET /v1/handovers/{id}/events — Server-Sent Events, resumable with Last-Event-ID.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { EventFeed } from '../../core/services/event-feed.ts';
import type { HandoverEvent } from '../../core/model/events.ts';
import type { HandoverService } from '../../core/services/handover-service.ts';
import { SSE_HEADERS, writeEventStream } from '../sse/write-event-stream.ts';
import { z } from 'zod';
import { TAGS } from '../openapi/document.ts';
import { errorResponses } from '../openapi/error-responses.ts';
import { SSE_EXAMPLE } from '../openapi/examples.ts';
import { handoverIdParams, lastEventIdHeaders } from '../schemas.ts';
import { authorisedHandover } from './handovers.ts';
import type { StreamSlots } from '../limits/stream-slots.ts';

export interface EventRoutesDeps {
  readonly service: HandoverService;
  readonly feed: EventFeed;
  /** Open streams per API key and per handover. */
  readonly streams: StreamSlots;
  /** Aborted when the gateway shuts down, so open streams end and the server can close. */
  readonly shutdownSignal: AbortSignal;
  readonly keepAliveMs?: number;
  /** Each event an SSE stream wrote (delivery receipts to the contact center). */
  readonly onWritten?: (event: HandoverEvent) => void;
  /** Open streams right now (the `genesys_handover_sse_connections` gauge). */
  readonly connections?: { inc(): void; dec(): void };
}

export const eventRoutes =
  (deps: EventRoutesDeps): FastifyPluginAsyncZod =>
  (app) => {
    app.get(
      '/handovers/:id/events',
      {
        schema: {
          operationId: 'streamEvents',
          tags: [TAGS.events],
          summary: "The handover's events as Server-Sent Events (resume with Last-Event-ID)",
          description: `Content type ${SSE_HEADERS['content-type']}. Each event has \`id\` (the event id), \`event\` (its type) and \`data\` (the event JSON, as in webhooks). The stream ends after handover.ended or handover.failed.`,
          security: [{ apiKey: [] }],
          params: handoverIdParams,
          headers: lastEventIdHeaders,
          response: {
            200: {
              description:
                'The event stream: the stored events after Last-Event-ID, then live ones, until the terminal event. Each `data:` is a `HandoverEvent`.',
              content: {
                'text/event-stream': {
                  schema: z.string().meta({ examples: [SSE_EXAMPLE] }),
                },
              },
            },
            204: z
              .null()
              .describe('The handover is over and Last-Event-ID was its last event: nothing more will come.'),
            ...errorResponses(400, 404),
          },
        },
      },
      async (req, reply) => {
        const id = req.params.id;
        await authorisedHandover(deps.service, req.principal, id);
        const { limits } = req.principal;
        const giveBack = deps.streams.take(
          { id: req.principal.id, max: limits.sseStreams },
          { id, max: limits.sseStreamsPerHandover },
        );
        const controller = new AbortController();
        const abort = (): void => controller.abort();
        req.raw.on('close', abort);
        deps.shutdownSignal.addEventListener('abort', abort, { once: true });
        reply.hijack();
        // Hijacked: Fastify no longer writes the headers it holds, so the request id goes on the raw answer.
        reply.raw.setHeader('x-request-id', req.id);
        deps.connections?.inc();
        const lastEventId = req.headers['last-event-id'];
        try {
          const result = await writeEventStream({
            feed: deps.feed,
            handoverId: id,
            lastEventId: typeof lastEventId === 'string' ? lastEventId : undefined,
            res: reply.raw,
            signal: controller.signal,
            ...(deps.keepAliveMs === undefined ? {} : { keepAliveMs: deps.keepAliveMs }),
            ...(deps.onWritten === undefined ? {} : { onWritten: deps.onWritten }),
            logger: req.log,
          });
          // A hijacked reply gets no "request completed" line: this one closes the request's log.
          req.log.info({ handoverId: id, reason: result.reason, sent: result.sent }, 'sse: stream ended');
        } finally {
          deps.connections?.dec();
          giveBack();
          req.raw.off('close', abort);
          deps.shutdownSignal.removeEventListener('abort', abort);
          if (!reply.raw.writableEnded) reply.raw.end();
        }
      },
    );
    return Promise.resolve();
  };
