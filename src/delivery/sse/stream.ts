// One SSE response for one handover: backlog from the store, then live events, in seq order, no gaps
// and no duplicates. The bus only wakes us; every event is read from the store by seq, so the
// notification that raced our read, or the one we missed while writing, cannot lose an event.
import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import { GatewayError } from '../../core/errors.ts';
import type { HandoverEvent } from '../../core/model/events.ts';
import type { HandoverStore } from '../../core/ports/store.ts';
import { errorField, silentLogger, type DeliveryLogger } from '../logger.ts';
import type { EventBus } from './event-bus.ts';
import { formatSseComment, formatSseEvent, formatSseRetry } from './format.ts';
import { isTerminalEvent, resolveResumePoint } from './resume.ts';

export interface StreamHandoverEventsOptions {
  readonly store: Pick<HandoverStore, 'events' | 'getEvent'>;
  readonly bus: EventBus;
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
  /** Events read from the store per query. Default 100. */
  readonly batchSize?: number;
  /**
   * Whether the handover has ended or failed. Consulted when a client connects with nothing to
   * send: then the response is 204, which tells EventSource to stop reconnecting.
   */
  readonly isFinished?: () => Promise<boolean>;
  readonly logger?: DeliveryLogger;
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
export async function streamHandoverEvents(options: StreamHandoverEventsOptions): Promise<StreamResult> {
  const { store, bus, handoverId, res } = options;
  const logger = options.logger ?? silentLogger;
  const batchSize = options.batchSize ?? 100;
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

  // Object fields, not locals: closures flip them, which TypeScript's narrowing cannot see.
  const state = { dirty: true, wake: undefined as (() => void) | undefined };
  const isClosed = (): boolean => closed.signal.aborted;
  // Subscribe before the first read: a commit between read and subscribe would otherwise go unnoticed.
  const unsubscribe = bus.subscribe(handoverId, () => {
    state.dirty = true;
    state.wake?.();
  });
  closed.signal.addEventListener('abort', () => state.wake?.(), { once: true });
  let keepAlive: NodeJS.Timeout | undefined;
  let sent = 0;

  const write = async (chunk: string): Promise<void> => {
    if (res.write(chunk)) return;
    await once(res, 'drain', { signal: closed.signal });
  };
  const read = async (afterSeq: number): Promise<HandoverEvent[]> => {
    state.dirty = false; // before the read: a notification during it sets dirty again and we read once more
    return store.events(handoverId, afterSeq, batchSize);
  };

  try {
    const resume = await resolveResumePoint(store, handoverId, options.lastEventId);
    let afterSeq = resume.afterSeq;
    let batch: HandoverEvent[] | undefined = await read(afterSeq);
    if (batch.length === 0 && (resume.hadTerminal || ((await options.isFinished?.()) ?? false))) {
      // Committed atomically with the final state, so one more read settles a race with the end.
      batch = await read(afterSeq);
      if (batch.length === 0) {
        if (!closed.signal.aborted) res.writeHead(204).end();
        return { reason: 'finished', sent };
      }
    }
    if (isClosed()) return { reason: 'closed', sent };

    res.writeHead(200, SSE_HEADERS);
    await write(formatSseRetry(options.retryMs ?? 3_000));
    if (keepAliveMs > 0) {
      keepAlive = setInterval(() => {
        if (!closed.signal.aborted) res.write(formatSseComment('keep-alive'));
      }, keepAliveMs);
    }

    let terminalSent = false;
    while (!isClosed()) {
      batch ??= await read(afterSeq);
      for (const event of batch) {
        if (isClosed()) break;
        await write(formatSseEvent(event));
        afterSeq = event.seq;
        sent += 1;
        if (isTerminalEvent(event)) terminalSent = true;
      }
      const full = batch.length === batchSize;
      batch = undefined;
      if (full) continue; // more backlog waiting
      if (terminalSent) return { reason: 'finished', sent };
      if (!state.dirty && !isClosed()) {
        await new Promise<void>((resolve) => {
          state.wake = resolve;
        });
        state.wake = undefined;
      }
    }
    return { reason: 'closed', sent };
  } catch (err) {
    if (isClosed()) return { reason: 'closed', sent };
    logger.error({ handoverId, err: errorField(err) }, 'sse: stream failed');
    if (!res.headersSent) {
      const body = JSON.stringify(new GatewayError('INTERNAL').toJSON());
      res.writeHead(500, { 'content-type': 'application/json' }).end(body);
    }
    return { reason: 'error', sent };
  } finally {
    unsubscribe();
    clearInterval(keepAlive);
    options.signal.removeEventListener('abort', onClose);
    res.off('close', onClose);
    res.off('error', onClose);
    if (!res.writableEnded) res.end();
  }
}
