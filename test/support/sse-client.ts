// A minimal SSE client over fetch (what EventSource does), collecting parsed events until closed.
import type { HandoverEvent } from '../../src/core/model/events.ts';

export interface SseEvent {
  readonly id?: string;
  readonly event?: string;
  readonly data: string;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  status = 0;
  #abort = new AbortController();
  #done: Promise<void> = Promise.resolve();

  open(url: string, headers: Record<string, string>): Promise<void> {
    let ready!: () => void;
    const opened = new Promise<void>((r) => (ready = r));
    this.#done = (async () => {
      const res = await fetch(url, {
        headers: { accept: 'text/event-stream', ...headers },
        signal: this.#abort.signal,
      });
      this.status = res.status;
      ready();
      if (!res.body) return;
      const decoder = new TextDecoder();
      let buffer = '';
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let sep;
        while ((sep = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, sep);
          buffer = buffer.slice(sep + 2);
          const parsed = parseBlock(block);
          if (parsed) this.events.push(parsed);
        }
      }
    })().catch(() => {
      ready();
    });
    return opened;
  }

  handoverEvents(): HandoverEvent[] {
    return this.events
      .filter((e) => e.event?.startsWith('handover.'))
      .map((e) => JSON.parse(e.data) as HandoverEvent);
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await this.#done;
  }

  /** Resolves when the server ended the stream. */
  finished(): Promise<void> {
    return this.#done;
  }
}

function parseBlock(block: string): SseEvent | undefined {
  let id: string | undefined;
  let event: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return undefined;
  return {
    ...(id === undefined ? {} : { id }),
    ...(event === undefined ? {} : { event }),
    data: data.join('\n'),
  };
}
