// A raw `ws` client of a notification channel (OM doc §4.6): records every frame, answers nothing
// by itself, lets tests wait (bounded) for frames and for the close.
import WebSocket from 'ws';
import { waitFor } from '../support/wait-for.ts';

export type NotificationFrame = {
  topicName: string;
  version?: string;
  eventBody: Record<string, any>;
  metadata?: { CorrelationId: string };
};

export class NotificationClient {
  readonly frames: NotificationFrame[] = [];
  readonly socket: WebSocket;
  readonly closed: Promise<number>;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data: Buffer) =>
      this.frames.push(JSON.parse(data.toString('utf8')) as NotificationFrame),
    );
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  }

  static async open(connectUri: string): Promise<NotificationClient> {
    const socket = new WebSocket(connectUri);
    const client = new NotificationClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** Frames of a topic (heartbeats excluded unless asked for). */
  on(topicName: string): NotificationFrame[] {
    return this.frames.filter((f) => f.topicName === topicName);
  }

  /** Event frames (no channel.metadata), in arrival order. */
  events(): NotificationFrame[] {
    return this.frames.filter((f) => f.topicName !== 'channel.metadata');
  }

  async waitFor(
    predicate: (f: NotificationFrame) => boolean,
    what = 'frame',
    count = 1,
  ): Promise<NotificationFrame[]> {
    return waitFor(
      () => {
        const found = this.frames.filter(predicate);
        return found.length >= count ? found : undefined;
      },
      { what, timeoutMs: 10_000, intervalMs: 5 },
    );
  }

  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
    await this.closed;
  }
}
