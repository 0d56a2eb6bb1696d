// One SSE response for one handover: what the core's EventFeed yields, written as Server-Sent Events
// with keep-alive comments and backpressure. The feed decides what to send (backlog, live, in seq
// order); this file only speaks HTTP.
import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import { GatewayError } from '../../core/errors.ts';
import { errorField, silentLogger, type Logger } from '../../core/ports/logger.ts';
import type { EventFeed } from '../../core/services/event-feed.ts';
import type { HandoverEvent } from '../../core/model/events.ts';
import { formatSseComment, formatSseEvent, formatSseRetry } from './format.ts';

export interface WriteEventStreamOptions {
  readonly feed: EventFeed;
  readonly handoverId: string;
  /** The `Last-Event-ID` request header: an event id, or a seq number. Unknown → from the beginning. */
  readonly lastEventId?: string | undefined;
  readonly res: ServerResponse;
  /** Ends the stream (request closed, server shutting down). */
  readonly signal: AbortSignal;
  /** Interval of `: keep-alive` comments, in ms; 0 disables. Default 15 000. */
  readonly keepAliveMs?: number;
  /** Reconnection delay suggested to EventSource (`retry:`), in ms. Default 3 000. */
  readonly retryMs?: number;
  readonly logger?: Logger;
  /** Each event once it is written to the socket (delivery receipts). Must not throw. */
  readonly onWritten?: (event: HandoverEvent) => void;
}

export type StreamEndReason =
  /** The terminal event was sent (or the client had it already: 204). */
  | 'finished'
  /** The client went away or the signal aborted. */
  | 'closed'
  /** The store failed; the client reconnects with Last-Event-ID. */
  | 'error';

export interface StreamResult {
  readonly reason: StreamEndReason;
  /** Events written by this stream. */
  readonly sent: number;
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // nginx buffers proxied responses by default, which would hold events back until the buffer fills.
  'x-accel-buffering': 'no',
} as const;

/** Writes the SSE stream to `res` until the handover finishes or the client leaves. Never rejects. */
export async function writeEventStream(options: WriteEventStreamOptions): Promise<StreamResult> {
  const { feed, handoverId, res } = options;
  const logger = options.logger ?? silentLogger;
  const keepAliveMs = options.keepAliveMs ?? 15_000;

  // One signal for "stop now": the caller's signal or the socket closing under us.
  const closed = new AbortController();
  const onClose = (): void => closed.abort();
  if (options.signal.aborted) {
    if (!res.writableEnded) res.end();
    return { reason: 'closed', sent: 0 };
  }
  options.signal.addEventListener('abort', onClose, { once: true });
  res.once('close', onClose);
  // A write to a socket that just died errors the response; that is a client leaving, not a crash.
  res.on('error', onClose);
  const isClosed = (): boolean => closed.signal.aborted;
  let keepAlive: NodeJS.Timeout | undefined;
  let sent = 0;

  const write = async (chunk: string): Promise<void> => {
    if (res.write(chunk)) return;
    await once(res, 'drain', { signal: closed.signal });
  };

  try {
    const opening = await feed.open(handoverId, options.lastEventId, closed.signal);
    if (opening.kind === 'finished') {
      if (!isClosed()) res.writeHead(204).end();
      return { reason: 'finished', sent };
    }
    if (isClosed()) return { reason: 'closed', sent };
    res.writeHead(200, SSE_HEADERS);
    await write(formatSseRetry(options.retryMs ?? 3_000));
    if (keepAliveMs > 0) {
      keepAlive = setInterval(() => {
        if (!isClosed()) res.write(formatSseComment('keep-alive'));
      }, keepAliveMs);
    }
    for await (const batch of opening.batches) {
      for (const event of batch) {
        if (isClosed()) return { reason: 'closed', sent };
        await write(formatSseEvent(event));
        sent += 1;
        options.onWritten?.(event);
      }
    }
    return { reason: isClosed() ? 'closed' : 'finished', sent };
  } catch (err) {
    if (isClosed()) return { reason: 'closed', sent };
    logger.error({ handoverId, err: errorField(err) }, 'sse: stream failed');
    if (!res.headersSent) {
      const body = JSON.stringify(new GatewayError('INTERNAL').toJSON());
      res.writeHead(500, { 'content-type': 'application/json' }).end(body);
    }
    return { reason: 'error', sent };
  } finally {
    clearInterval(keepAlive);
    options.signal.removeEventListener('abort', onClose);
    res.off('close', onClose);
    res.off('error', onClose);
    if (!res.writableEnded) res.end();
  }
}
