// What the browser does against the demo bot's page API: one cookie jar, JSON calls, and the page's
// EventSource (SseClient). Records everything it received, to check that nothing secret got there.
import { SseClient } from '../support/sse-client.ts';

export class PageClient {
  cookie = '';
  readonly streams: SseClient[] = [];
  readonly raw: string[] = [];
  constructor(private readonly base: string) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const res = await fetch(new URL(path, this.base), {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const text = await res.text();
    this.raw.push(text, setCookie ?? '');
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  }

  async open(lastEventId?: string): Promise<SseClient> {
    const sse = await SseClient.open(new URL('/api/events', this.base).href, {
      headers: { cookie: this.cookie },
      ...(lastEventId ? { lastEventId } : {}),
    });
    this.streams.push(sse);
    return sse;
  }

  async close(): Promise<void> {
    for (const s of this.streams) await s.close();
  }

  allText(): string {
    return [...this.raw, ...this.streams.flatMap((s) => s.frames.flatMap((f) => f.data ?? []))].join('\n');
  }
}

export const items = (sse: SseClient): any[] => sse.events<any>('item');
export const statuses = (sse: SseClient): any[] => sse.events<any>('status');
export const lastStatus = (sse: SseClient): any => statuses(sse).at(-1);
export const hasItem = (sse: SseClient, kind: string, text: string | RegExp): any =>
  items(sse).find(
    (i) => i.kind === kind && (typeof text === 'string' ? i.text.includes(text) : text.test(i.text)),
  );
