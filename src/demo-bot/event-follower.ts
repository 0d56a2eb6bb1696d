// Follows one handover's events over the gateway's SSE endpoint, the way a bot should:
//  - resumes after a dropped connection with `Last-Event-ID` (the last event it handled);
//  - hands each event to `onEvent` once and in order (seq), even when the gateway restarts the
//    stream from the beginning (an unknown Last-Event-ID does that: duplicates, never gaps);
//  - validates every event with zod and skips (and reports) what does not parse;
//  - stops after the terminal event (handover.ended / handover.failed), on 204, or when aborted.
// Webhooks are the other option (see docs/webhooks.md); SSE needs no public URL, which suits a demo.
import type { GatewayClient } from './gateway-client.ts';
import { handoverEventSchema, TERMINAL_EVENT_TYPES, type GatewayEvent } from './gateway-contract.ts';

export interface FollowOptions {
  readonly client: Pick<GatewayClient, 'openEvents'>;
  readonly handoverId: string;
  /** Awaited before the next event is read: the bot's handling is ordered per handover. */
  readonly onEvent: (event: GatewayEvent) => Promise<void> | void;
  /** A frame that is not a valid event (logged by the caller; following continues). */
  readonly onInvalid?: (reason: string) => void;
  /** A connection failed; following continues after `retryMs`. */
  readonly onDisconnect?: (error: unknown) => void;
  readonly signal: AbortSignal;
  /** Wait before reconnecting, ms. Default 1 000 (the gateway suggests 3 000; a chat wants faster). */
  readonly retryMs?: number;
}

export type FollowResult = 'finished' | 'aborted';

export async function followHandoverEvents(options: FollowOptions): Promise<FollowResult> {
  const { client, handoverId, signal } = options;
  let lastEventId: string | undefined;
  let lastSeq = 0;
  while (!signal.aborted) {
    try {
      const res = await client.openEvents(handoverId, lastEventId, signal);
      // 204: the handover is over and we already had its last event.
      if (res.status === 204 || !res.body) return 'finished';
      for await (const frame of sseFrames(res.body)) {
        if (frame.data === undefined) continue; // `retry:` hints and `: keep-alive` comments
        const parsed = safeJson(frame.data);
        const result = handoverEventSchema.safeParse(parsed);
        if (!result.success) {
          options.onInvalid?.(
            `event ${frame.id ?? '?'} does not match the contract: ${result.error.message}`,
          );
          if (frame.id) lastEventId = frame.id;
          continue;
        }
        const event = result.data;
        if (event.seq <= lastSeq) continue; // already handled (a restart from the beginning)
        await options.onEvent(event);
        lastSeq = event.seq;
        lastEventId = event.id;
        if (TERMINAL_EVENT_TYPES.has(event.type)) return 'finished';
      }
    } catch (err) {
      // Aborting ends the fetch with an error too; only a real failure is a disconnect.
      if (!isAborted(signal)) options.onDisconnect?.(err);
    }
    await sleep(options.retryMs ?? 1000, signal);
  }
  return 'aborted';
}

export interface SseFrame {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
}

/** Splits an SSE byte stream into frames (WHATWG HTML §9.2: blank-line separated, CRLF/LF/CR). */
export async function* sseFrames(body: ReadableStream<Uint8Array>): AsyncGenerator<SseFrame> {
  const decoder = new TextDecoder();
  let buffer = '';
  let pendingCr = false;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      let text: string = (pendingCr ? '\r' : '') + decoder.decode(chunk, { stream: true });
      // A CR at the end of a chunk may be the first half of a CRLF: wait for the next chunk.
      pendingCr = text.endsWith('\r');
      if (pendingCr) text = text.slice(0, -1);
      buffer += text.replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        yield parseFrame(block);
      }
    }
  } finally {
    // The caller stopped early (terminal event): release the connection now, not at the next abort.
    await reader.cancel().catch(() => undefined);
  }
}

function parseFrame(block: string): SseFrame {
  let id: string | undefined;
  let event: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return {
    ...(id !== undefined ? { id } : {}),
    ...(event !== undefined ? { event } : {}),
    ...(data.length > 0 ? { data: data.join('\n') } : {}),
  };
}

/** Read through a function: the signal changes while we await, which narrowing cannot see. */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
