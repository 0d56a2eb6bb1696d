// The route a contact center calls with events for the gateway: POST /genesys/open-messaging/{endpoint}
// (Open Messaging's outbound webhook, protocol §4). No API key — the provider signs the raw body
// (§4.4), so the body is taken as bytes here and the provider adapter verifies and reads it.
//
// What the answers mean to Genesys (§4.5): it retries timeouts, 429 and 5xx (5 times, 5 s apart) and
// gives up on anything else — other 4xx answers have been reported to fail the whole chat. So:
// 401 for a bad signature (not Genesys, or a wrong secret: retrying cannot help); 200 for anything
// readable or not that carries nothing for us; 200 only once what it carries is committed; 503 when
// it could not be committed now (Genesys delivers again; de-duplication makes that harmless). A call
// that could not be read is also noted with the engine (`owe`): should Genesys give up on it, the
// handover's session reads the conversation later.
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { GatewayError } from '../../core/errors.ts';
import { childController, releaseChild } from '../../core/concurrency/stop-fanout.ts';
import { errorCode } from '../../core/engine/errors.ts';
import type { ProviderEvent, ProviderWebhook } from '../../core/ports/provider.ts';
import type { Scheduler } from '../../core/ports/scheduler.ts';
import { safeString } from '../safe-string.ts';

/** Genesys waits 10 s for an answer (§4.5): answer 503 before that rather than time out. */
const ANSWER_WITHIN_MS = 8_000;
/** Genesys' webhook bodies are small; an attachment travels by URL. */
const BODY_LIMIT = 256 * 1024;
/** Genesys retries 5 s apart whatever we say; said anyway for other callers. */
const RETRY_AFTER_S = 5;

export interface ProviderWebhookDeps {
  /** The webhook of an endpoint whose provider pushes events; undefined for other endpoints. */
  readonly webhookOf: (endpointId: string) => ProviderWebhook | undefined;
  readonly accept: (
    endpointId: string,
    handoverId: string,
    events: readonly ProviderEvent[],
  ) => Promise<'committed' | 'ignored' | 'not-ready'>;
  /**
   * A call for this handover could not be read now: should Genesys give up on it, the handover's
   * session reads it later (ProviderWebhook.redeliveryMs). Optional: without it, only a later message
   * or a reconnect reveals the gap.
   */
  readonly owe?: (
    endpointId: string,
    handoverId: string,
    providerMessageIds: readonly string[],
  ) => Promise<void>;
  /** Aborted when the gateway shuts down. */
  readonly shutdownSignal: AbortSignal;
  /** The answer's deadline (ANSWER_WITHIN_MS). */
  readonly scheduler: Scheduler;
}

const params = z.object({ endpointId: safeString().min(1).max(64) });

export const providerWebhookRoutes =
  (deps: ProviderWebhookDeps): FastifyPluginAsyncZod =>
  (app) => {
    // Bytes, whatever the content type says: the signature is over exactly what was sent (§4.4).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
      done(null, body);
    });

    app.post(
      '/genesys/open-messaging/:endpointId',
      { schema: { hide: true, params } },
      async (req, reply) => {
        const webhook = deps.webhookOf(req.params.endpointId);
        if (!webhook) throw new GatewayError('UNKNOWN_ENDPOINT');
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        // The call's signal fires on shutdown or at the deadline. A child of the shutdown signal
        // (stop-fanout.ts), released at the end, leaves nothing behind — AbortSignal.any on the
        // shutdown signal itself left a WeakRef on it per call on Node 20 — and one timer aborts it:
        // AbortSignal.any over an AbortSignal.timeout per call was ~4 % of the main thread on the
        // Open Messaging agent → bot path (issue 12, bench/README.md).
        const answer = async (signal: AbortSignal): Promise<FastifyReply> => {
          let reading: Awaited<ReturnType<ProviderWebhook['read']>>;
          try {
            reading = await webhook.read(body, req.headers, signal);
          } catch (err) {
            // Not bad input (that is read, never thrown): a provider call the read needed failed, or the
            // gateway is shutting down. Nothing was taken; Genesys delivers again (§4.5).
            req.log.warn({ code: errorCode(err) }, 'provider webhook not read; asked again');
            return notCommitted(reply);
          }
          if (reading.kind === 'refused') {
            req.log.warn({ code: reading.code }, 'provider webhook refused');
            return reply
              .code(reading.status)
              .send({ error: { code: reading.code, message: reading.detail } });
          }
          if (reading.kind === 'ignored') {
            req.log.debug({ detail: reading.detail }, 'provider webhook ignored');
            return reply.send({ status: 'ignored' });
          }
          if (reading.kind === 'unread') {
            req.log.warn(
              { handoverId: reading.handoverId, code: reading.code },
              'provider webhook not read; asked again',
            );
            await deps.owe?.(req.params.endpointId, reading.handoverId, reading.providerMessageIds);
            return notCommitted(reply);
          }
          const accepted = deps
            .accept(req.params.endpointId, reading.handoverId, reading.events)
            .catch((err: unknown) => {
              // Not committed (the session stopped, the store failed): Genesys delivers again.
              req.log.warn(
                { handoverId: reading.handoverId, code: errorCode(err) },
                'provider webhook not committed',
              );
              return 'not-ready' as const;
            });
          const outcome = await withinDeadline(accepted, signal);
          if (outcome === 'committed') return reply.send({ status: 'accepted' });
          if (outcome === 'ignored') return reply.send({ status: 'ignored' });
          req.log.warn(
            { handoverId: reading.handoverId, outcome },
            'provider webhook not committed; asked again',
          );
          return notCommitted(reply);
        };
        const stop = childController(deps.shutdownSignal);
        const deadline = deps.scheduler.after(ANSWER_WITHIN_MS, abortLate, stop);
        try {
          return await answer(stop.signal);
        } finally {
          deadline.cancel();
          releaseChild(deps.shutdownSignal, stop);
        }
      },
    );
    return Promise.resolve();
  };

function abortLate(controller: AbortController): void {
  controller.abort(new DOMException('the webhook call was not answered in time', 'TimeoutError'));
}

/** 503 with Retry-After: Genesys delivers the call again (§4.5); de-duplication makes that harmless. */
function notCommitted(reply: FastifyReply): FastifyReply {
  return reply
    .code(503)
    .header('retry-after', String(RETRY_AFTER_S))
    .send(new GatewayError('NOT_COMMITTED').toJSON());
}

/** The outcome, or `not-ready` once the signal fires first (the commit goes on; a redelivery finds it). */
async function withinDeadline<T>(work: Promise<T>, signal: AbortSignal): Promise<T | 'not-ready'> {
  if (signal.aborted) return 'not-ready';
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'not-ready'>((resolve) => {
    onAbort = () => resolve('not-ready');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
