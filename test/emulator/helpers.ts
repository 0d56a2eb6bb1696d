// Shared helpers for emulator tests: start an emulator with short timers, call its REST APIs with
// fetch, and read its event stream with a raw `ws` client with bounded waits.
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.ts';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const GUEST = '/api/v2/webchat/guest/conversations';

export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({
    host: '127.0.0.1',
    port: 0,
    heartbeatIntervalMs: 60_000,
    disconnectGraceMs: 60_000,
    ...options,
  });
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly text: string;
}

export async function http(
  emulator: RunningEmulator,
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; headers?: Record<string, string>; jwt?: string } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  if (options.jwt !== undefined) headers.authorization = `Bearer ${options.jwt}`;
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

export interface CreatedChat {
  readonly id: string;
  readonly jwt: string;
  readonly eventStreamUri: string;
  readonly member: { readonly id: string };
}

export function createBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    organizationId: 'org-1',
    deploymentId: 'dep-1',
    routingTarget: { targetType: 'QUEUE', targetAddress: 'Support' },
    memberInfo: { displayName: 'Jo Guest', customFields: { customerId: 'c-42' } },
    ...overrides,
  };
}

export async function createChat(
  emulator: RunningEmulator,
  overrides: Record<string, unknown> = {},
): Promise<CreatedChat> {
  const result = await http(emulator, 'POST', GUEST, { body: createBody(overrides) });
  assert.equal(result.status, 200, result.text);
  return result.body as CreatedChat;
}

export type JsonFrame = Record<string, unknown> & {
  topicName: string;
  eventBody: Record<string, unknown>;
  metadata?: { CorrelationId: string; type: string };
};

/** A raw event-stream client that records every frame and lets tests wait for specific ones. */
export class StreamClient {
  readonly frames: JsonFrame[] = [];
  readonly socket: WebSocket;
  #waiters: { predicate: (f: JsonFrame) => boolean; resolve: (f: JsonFrame) => void; from: number }[] = [];
  #closed: Promise<{ code: number }>;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as JsonFrame;
      this.frames.push(frame);
      const index = this.frames.length - 1;
      for (const waiter of [...this.#waiters]) {
        if (index >= waiter.from && waiter.predicate(frame)) {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          waiter.resolve(frame);
        }
      }
    });
    this.#closed = new Promise((resolve) => socket.on('close', (code) => resolve({ code })));
  }

  static async open(uri: string): Promise<StreamClient> {
    const socket = new WebSocket(uri);
    const client = new StreamClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** Resolves with the first frame (received from index `from` on) matching the predicate. */
  waitFor(
    predicate: (f: JsonFrame) => boolean,
    options: { from?: number; timeoutMs?: number } = {},
  ): Promise<JsonFrame> {
    const from = options.from ?? 0;
    const existing = this.frames.slice(from).find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.resolve !== done);
        reject(
          new Error(
            `no matching frame within ${options.timeoutMs ?? 5000} ms; got ${JSON.stringify(this.frames.map(describe))}`,
          ),
        );
      }, options.timeoutMs ?? 5000);
      const done = (f: JsonFrame): void => {
        clearTimeout(timer);
        resolve(f);
      };
      this.#waiters.push({ predicate, resolve: done, from });
    });
  }

  /** Waits until `count` conversation frames (non-heartbeat) have arrived from index `from`, then returns them. */
  async conversationFrames(count: number, from = 0): Promise<JsonFrame[]> {
    let seen = 0;
    await this.waitFor(
      (f) => {
        if (f.topicName !== 'channel.metadata') seen += 1;
        return seen >= count;
      },
      { from },
    );
    return this.frames
      .slice(from)
      .filter((f) => f.topicName !== 'channel.metadata')
      .slice(0, count);
  }

  send(value: unknown): void {
    this.socket.send(JSON.stringify(value));
  }

  closed(): Promise<{ code: number }> {
    return this.#closed;
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    await this.#closed;
  }
}

export function describe(frame: JsonFrame): string {
  if (frame.topicName === 'channel.metadata') return `meta:${String(frame.eventBody.message)}`;
  const type = frame.metadata?.type ?? '?';
  if (type === 'member-change') {
    const member = frame.eventBody.member as { id: string; state: string };
    return `member-change:${member.id.slice(0, 8)}:${member.state}`;
  }
  if (type === 'message')
    return `message:${String(frame.eventBody.bodyType)}:${String(frame.eventBody.body).slice(0, 20)}`;
  return type;
}

/** Kind of a frame plus the member/sender it concerns, for sequence assertions. */
export function kind(frame: JsonFrame): string {
  const type = frame.metadata?.type;
  if (type === 'member-change') {
    const member = frame.eventBody.member as { id: string; state: string };
    return `${member.id}:${member.state}`;
  }
  if (type === 'message')
    return `${(frame.eventBody.sender as { id: string }).id}:${String(frame.eventBody.bodyType)}`;
  if (type === 'typing-indicator') return `${(frame.eventBody.sender as { id: string }).id}:typing`;
  return `meta:${String(frame.eventBody.message)}`;
}

export async function agentApi(
  emulator: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<HttpResult> {
  return http(emulator, method, `/emulator/v1${path}`, body === undefined ? {} : { body });
}

/** A chat whose stream is attached and whose first frames (customer CONNECTED, member-join, ACD CONNECTED) arrived. */
export async function attachedChat(
  emulator: RunningEmulator,
  overrides: Record<string, unknown> = {},
): Promise<{ chat: CreatedChat; stream: StreamClient }> {
  const chat = await createChat(emulator, overrides);
  const stream = await StreamClient.open(chat.eventStreamUri);
  await stream.conversationFrames(3);
  return { chat, stream };
}

export interface ConversationView {
  id: string;
  state: string;
  endReason?: string;
  attachedStreams: number;
  members: { id: string; role: string; state: string; displayName?: string }[];
  messages: { id: string; senderId: string; senderRole: string; body: string; bodyType: string }[];
}

export async function conversationView(emulator: RunningEmulator, id: string): Promise<ConversationView> {
  const result = await agentApi(emulator, 'GET', `/conversations/${id}`);
  assert.equal(result.status, 200, result.text);
  return result.body as ConversationView;
}
