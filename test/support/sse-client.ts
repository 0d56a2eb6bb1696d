// A minimal SSE client over fetch (what EventSource does): it parses frames as they arrive, so tests
// can wait for them — events, comments (keep-alives) and the retry hint alike.
import type { HandoverEvent } from '../../src/core/model/events.ts';

export interface SseFrame {
  readonly id?: string;
  readonly event?: string;
  /** The data lines, joined with '\n'; absent for a frame without data (a comment, a retry hint). */
  readonly data?: string;
  readonly retry?: string;
  readonly comment?: string;
}

export interface SseConnectOptions {
  /** Sent as the Last-Event-ID header (resume after that event). */
  readonly lastEventId?: string;
  /** More request headers (authorization, cookie …). */
  readonly headers?: Readonly<Record<string, string>>;
}

export class SseClient {
  /** Every frame received, in order. */
  readonly frames: SseFrame[] = [];
  /** The response status; 0 until the response arrived (or when the request failed). */
  status = 0;
  headers: Headers | undefined;
  /** Resolves when the stream is over: ended by the server, broken off, or closed by `close()`. */
  readonly done: Promise<void>;
  ended = false;
  /** Why the stream broke off, when it did (a network error, not `close()`). */
  error: Error | undefined;
  readonly #abort = new AbortController();
  readonly #opened: Promise<void>;

  private constructor(url: string, options: SseConnectOptions) {
    let opened!: () => void;
    this.#opened = new Promise<void>((resolve) => (opened = resolve));
    this.done = this.#run(url, options, opened);
  }

  /** Starts reading `url` at once; `frames` fill as they arrive. */
  static connect(url: string, options: SseConnectOptions = {}): SseClient {
    return new SseClient(url, options);
  }

  /** Like `connect`, resolving once the response's status and headers are known. */
  static async open(url: string, options: SseConnectOptions = {}): Promise<SseClient> {
    const client = new SseClient(url, options);
    await client.#opened;
    return client;
  }

  /** The data of event frames (those with data), parsed as JSON; with `event`, only frames of that event name. */
  events<T = HandoverEvent>(event?: string): T[] {
    return this.frames
      .filter((f) => f.data !== undefined && (event === undefined || f.event === event))
      .map((f) => JSON.parse(f.data ?? '') as T);
  }

  /** The handover events the stream carried (event names `handover.*`). */
  handoverEvents(): HandoverEvent[] {
    return this.frames
      .filter((f) => f.data !== undefined && f.event?.startsWith('handover.'))
      .map((f) => JSON.parse(f.data ?? '') as HandoverEvent);
  }

  /** Resolves when the server ended the stream; rejects when it broke off instead. */
  async finished(): Promise<void> {
    await this.done;
    if (this.error) throw this.error;
  }

  /** Stops reading (the server sees a disconnect) and waits for the reader to stop. */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.done;
  }

  async #run(url: string, options: SseConnectOptions, opened: () => void): Promise<void> {
    try {
      const res = await fetch(url, {
        headers: {
          accept: 'text/event-stream',
          ...options.headers,
          ...(options.lastEventId === undefined ? {} : { 'last-event-id': options.lastEventId }),
        },
        signal: this.#abort.signal,
      });
      this.status = res.status;
      this.headers = res.headers;
      opened();
      if (!res.body) return;
      const decoder = new TextDecoder();
      const reader = res.body.getReader();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.frames.push(parseFrame(buffer.slice(0, end)));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (err) {
      if (!this.#abort.signal.aborted) this.error = err instanceof Error ? err : new Error(String(err));
    } finally {
      this.ended = true;
      opened();
    }
  }
}

function parseFrame(text: string): SseFrame {
  const frame: { -readonly [K in keyof SseFrame]: string } = {};
  const data: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith(':')) {
      frame.comment = line.slice(1).trim();
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'id' || field === 'event' || field === 'retry') frame[field] = value;
  }
  if (data.length > 0) frame.data = data.join('\n');
  return frame;
}
