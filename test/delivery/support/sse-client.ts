// A minimal SSE client over fetch: parses frames as they arrive, so tests can wait for them.
export interface SseFrame {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
  readonly retry?: string;
  readonly comment?: string;
}

export class SseClient {
  readonly frames: SseFrame[] = [];
  status = 0;
  headers: Headers | undefined;
  /** Resolves when the server ends the stream (or the client aborts). */
  readonly done: Promise<void>;
  ended = false;
  readonly #abort = new AbortController();

  private constructor(url: string, lastEventId: string | undefined) {
    this.done = this.#run(url, lastEventId);
  }

  static connect(url: string, lastEventId?: string): SseClient {
    return new SseClient(url, lastEventId);
  }

  /** Event frames (those with data), parsed. */
  events<T = { id: string; seq: number; type: string }>(): T[] {
    return this.frames.filter((f) => f.data !== undefined).map((f) => JSON.parse(f.data ?? '') as T);
  }

  close(): void {
    this.#abort.abort();
  }

  async #run(url: string, lastEventId: string | undefined): Promise<void> {
    try {
      const res = await fetch(url, {
        headers: {
          accept: 'text/event-stream',
          ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
        },
        signal: this.#abort.signal,
      });
      this.status = res.status;
      this.headers = res.headers;
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
      if (!this.#abort.signal.aborted) throw err;
    } finally {
      this.ended = true;
    }
  }
}

function parseFrame(text: string): SseFrame {
  const frame: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) frame.comment = line.slice(1).trim();
    const m = /^(id|event|data|retry): (.*)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) frame[m[1]] = m[2];
  }
  return frame;
}
