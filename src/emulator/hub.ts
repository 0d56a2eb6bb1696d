// The event-stream hub: which WebSockets are attached to which key (a guest chat's conversation, or
// a notification channel), heartbeats, ping/pong, and fault-injected drops. It knows nothing about
// chat semantics; the chat service tells it what to publish and learns from it when a conversation's
// last socket went away (§9.7 grace period). Both Genesys sockets share the `channel.metadata`
// heartbeat and pong frames (guest-chat doc §9.5, OM doc §4.6).
import { heartbeatFrame, pongFrame, type Frame, type MetadataFrame } from './frames.ts';

/** The part of a `ws` WebSocket the hub uses (kept structural so any ws-compatible socket fits). */
export interface StreamSocket {
  readonly readyState: number;
  readonly OPEN: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface HubEvents {
  /** The last socket of a conversation closed (for any reason). */
  readonly onLastDetached: (conversationId: string) => void;
}

/** Sees every frame the hub publishes, whether or not a socket is attached. */
export type FrameTap<F = Frame> = (key: string, frame: F) => void;

export class EventStreamHub<F extends object = Frame> {
  readonly #sockets = new Map<string, Set<StreamSocket>>();
  readonly #taps = new Set<FrameTap<F>>();
  readonly #heartbeats = new Map<StreamSocket, NodeJS.Timeout>();
  readonly #heartbeatIntervalMs: number;
  readonly #events: HubEvents;

  constructor(heartbeatIntervalMs: number, events: HubEvents) {
    this.#heartbeatIntervalMs = heartbeatIntervalMs;
    this.#events = events;
  }

  attach(conversationId: string, socket: StreamSocket): void {
    let set = this.#sockets.get(conversationId);
    if (!set) {
      set = new Set();
      this.#sockets.set(conversationId, set);
    }
    set.add(socket);
    // §9.5: one heartbeat frame per interval; clients use their absence to detect a dead stream.
    const timer = setInterval(() => this.#send(socket, heartbeatFrame()), this.#heartbeatIntervalMs);
    timer.unref();
    this.#heartbeats.set(socket, timer);
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      // §9.5: the only client→server frame any client sends is the notification-service ping.
      if (isPing(textOf(data))) this.#send(socket, pongFrame());
    });
    socket.on('error', () => {
      // A broken socket also emits 'close'; nothing else to do, but the listener keeps ws from throwing.
    });
    socket.on('close', () => this.#detach(conversationId, socket));
  }

  publish(conversationId: string, frame: F): void {
    // Taps first: the agent feed must see the customer's typing even while the guest has no socket.
    for (const tap of this.#taps) tap(conversationId, frame);
    const set = this.#sockets.get(conversationId);
    if (!set) return;
    for (const socket of set) this.#send(socket, frame);
  }

  /** The agent feed listens here (the console's live view); returns the unsubscribe function. */
  tap(listener: FrameTap<F>): () => void {
    this.#taps.add(listener);
    return () => this.#taps.delete(listener);
  }

  count(conversationId: string): number {
    return this.#sockets.get(conversationId)?.size ?? 0;
  }

  totalSockets(): number {
    let n = 0;
    for (const set of this.#sockets.values()) n += set.size;
    return n;
  }

  /** Fault injection: kill sockets without a close handshake (like a network drop). */
  drop(conversationId?: string): number {
    const victims = this.#socketsOf(conversationId);
    for (const socket of victims) socket.terminate();
    return victims.length;
  }

  /** Graceful close (used after a conversation ended and on shutdown). */
  close(conversationId: string | undefined, code: number, reason: string): number {
    const victims = this.#socketsOf(conversationId);
    for (const socket of victims) socket.close(code, reason);
    return victims.length;
  }

  /**
   * Sends `frame` to the sockets open now and closes exactly those sockets `afterMs` later — a
   * socket a client opened meanwhile (its replacement, make-before-break) is left alone.
   */
  warnThenClose(
    conversationId: string,
    frame: F,
    afterMs: number,
    code: number,
    reason: string,
  ): {
    count: number;
    timer: NodeJS.Timeout;
  } {
    const victims = this.#socketsOf(conversationId);
    for (const socket of victims) this.#send(socket, frame);
    const timer = setTimeout(() => {
      for (const socket of victims) socket.close(code, reason);
    }, afterMs);
    timer.unref();
    return { count: victims.length, timer };
  }

  /** Shutdown: stop every heartbeat and terminate every socket so nothing keeps the process alive. */
  shutdown(): void {
    for (const timer of this.#heartbeats.values()) clearInterval(timer);
    this.#heartbeats.clear();
    for (const socket of this.#socketsOf(undefined)) socket.terminate();
    this.#sockets.clear();
    this.#taps.clear();
  }

  #socketsOf(conversationId: string | undefined): StreamSocket[] {
    if (conversationId !== undefined) return [...(this.#sockets.get(conversationId) ?? [])];
    return [...this.#sockets.values()].flatMap((set) => [...set]);
  }

  #detach(conversationId: string, socket: StreamSocket): void {
    const timer = this.#heartbeats.get(socket);
    if (timer) clearInterval(timer);
    this.#heartbeats.delete(socket);
    const set = this.#sockets.get(conversationId);
    if (!set?.delete(socket)) return;
    if (set.size === 0) {
      this.#sockets.delete(conversationId);
      this.#events.onLastDetached(conversationId);
    }
  }

  /** To the sockets of one key only, bypassing the taps (e.g. a channel's `v2.system.socket_closing`). */
  sendTo(conversationId: string, frame: F): number {
    const victims = this.#socketsOf(conversationId);
    for (const socket of victims) this.#send(socket, frame);
    return victims.length;
  }

  /** Text frames exactly as given, to the sockets of one key (the `raw-frames` fault). */
  sendRaw(conversationId: string, frames: readonly string[]): number {
    const victims = this.#socketsOf(conversationId);
    for (const socket of victims)
      for (const text of frames) if (socket.readyState === socket.OPEN) socket.send(text);
    return victims.length;
  }

  #send(socket: StreamSocket, frame: F | MetadataFrame): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  }
}

function isPing(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return (
      typeof parsed === 'object' && parsed !== null && (parsed as { message?: unknown }).message === 'ping'
    );
  } catch {
    return false;
  }
}

function textOf(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
