// The guest-chat event stream (protocol §8, §9): one WebSocket to `eventStreamUri`, opened verbatim
// with no headers, frames parsed into typed events, a heartbeat watchdog, and reconnection with
// exponential backoff + full jitter bounded by the server's disconnect grace (§9.7). Events are not
// replayed by Genesys, so every re-open is announced (`open` with `reopened: true`) for the owner
// to backfill from history (`GET .../messages?after=<last id>`).
//
// The eventStreamUri embeds the JWT (§2.3): it is never logged and never put into an error.
import WebSocket from 'ws';
import { GenesysAbortedError, GenesysStreamError } from '../errors.ts';
import { fullJitterDelay, type BackoffPolicy } from '../../../core/retry/backoff.ts';
import type { Scheduler, TimerHandle } from '../../../core/ports/scheduler.ts';
import { plainTimers } from '../support/plain-timers.ts';
import type { GuestChatEvent, IgnoredFrameReason } from './events.ts';
import { parseFrame, type FrameContext } from './parse-frame.ts';

export type StreamState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'lost' | 'closed';

/** Why a socket went away or the stream ended. */
export type StreamReason =
  /** The server (or network) closed the socket. */
  | 'socket-closed'
  /** No frame at all for `watchdogFactor × heartbeatIntervalMs`. */
  | 'heartbeat-timeout'
  /** The handshake did not complete within `connectTimeoutMs`. */
  | 'connect-timeout'
  /** The handshake was answered with a 4xx status (not 408/429): retrying cannot help. */
  | 'rejected'
  /** Down for longer than `disconnectGraceMs`: Genesys has removed the guest by now (§9.7). */
  | 'grace-exceeded'
  /** `eventStreamUri` is not a usable ws:// or wss:// URI. */
  | 'invalid-uri'
  /** The socket closed after the guest's own member was DISCONNECTED: the chat is over. */
  | 'guest-disconnected'
  /** `close()` was called. */
  | 'closed-by-owner'
  /** The AbortSignal given to `open()` fired. */
  | 'aborted';

export interface StreamStateChange {
  readonly state: Exclude<StreamState, 'idle'>;
  /**
   * Reconnect attempt number: 0 for the first connect, 1.. after a drop (`reconnecting`,
   * `connecting`, and `open` = the attempt that succeeded). Resets once a socket is stable.
   */
  readonly attempt: number;
  /** `open` only: true when this is not the first open — backfill history now (§9.7). */
  readonly reopened: boolean;
  /** `reconnecting` only: the delay before the next attempt, ms. */
  readonly delayMs?: number;
  /** `reconnecting`, `lost`, `closed`: why. */
  readonly reason?: StreamReason;
  /** HTTP status of a refused handshake. */
  readonly status?: number;
}

/** pino-compatible subset. Log lines carry counts and reasons, never frame content or the URI. */
export interface StreamLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * `onEvent` and `onState` are called as methods of the options object (`options.onEvent(event)`),
 * so a class instance with prototype methods can be the options: an owner holding thousands of
 * streams need not make an options object and bound functions for each (issue 12).
 */
export interface GuestChatEventStreamOptions {
  /** From the create response; opened verbatim (§8). A secret: it contains the JWT. */
  readonly eventStreamUri: string;
  /** The guest member the stream is for; events it caused carry `own: true`. */
  readonly guestMemberId: string;
  /** When set, conversation events for other conversations are ignored (counted). */
  readonly conversationId?: string;
  /** Called synchronously, in arrival order, for every parsed event (heartbeats included). */
  readonly onEvent: (event: GuestChatEvent) => void;
  /** Called on every state change. */
  readonly onState?: (change: StreamStateChange) => void;
  /** Expected server heartbeat period, ms. Default 30000 (§9.5). 0 disables the watchdog. */
  readonly heartbeatIntervalMs?: number | undefined;
  /** The watchdog fires after `watchdogFactor × heartbeatIntervalMs` without any frame. Default 2.5 (two missed heartbeats). */
  readonly watchdogFactor?: number;
  /** How long Genesys keeps the guest without a socket, ms. Default 120000 (§9.7, §12). */
  readonly disconnectGraceMs?: number | undefined;
  /**
   * A re-opened socket counts as recovered — backoff reset, grace clock restarted — only once it has
   * stayed open this long, ms. Default 5000. Guards against a server that accepts and immediately
   * closes (e.g. for a conversation that has ended): such flapping stays bounded by the grace.
   */
  readonly stableAfterMs?: number;
  /** WebSocket handshake timeout, ms. Default 10000 (capped by what is left of the grace). */
  readonly connectTimeoutMs?: number;
  /** After `close()`, how long to wait for the close handshake before terminating, ms. Default 1000. */
  readonly closeTimeoutMs?: number;
  /** Reconnect delays: full-jitter backoff (core/retry/backoff.ts). Default 250 ms initial, ×2, 10 s max. */
  readonly backoff?: BackoffPolicy;
  /** Largest accepted frame, bytes. Default 1 MiB (messages are ≤ 4,000 characters, §12). */
  readonly maxFrameBytes?: number;
  /** Random source in [0, 1) for jitter. Default `Math.random`. */
  readonly random?: () => number;
  /** Clock, ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Timers of the reconnect delay and the close handshake. Default: real timers that keep the process alive. */
  readonly scheduler?: Scheduler | undefined;
  /**
   * Timers that may fire a little late — the heartbeat watchdog, the stability mark — held by every
   * live stream at once: a TimerWheel (src/time/timer-wheel.ts) keeps them at one interval for all
   * streams. Default: `scheduler`.
   */
  readonly coarseScheduler?: Scheduler | undefined;
  readonly logger?: StreamLogger | undefined;
}

export interface StreamStats {
  /** Every frame received, whatever it was. */
  readonly framesReceived: number;
  /** Frames that became events (heartbeats included). */
  readonly eventsEmitted: number;
  /** Frames that became no event, by reason. */
  readonly ignoredFrames: Readonly<Record<IgnoredFrameReason, number>>;
  /** Successful re-opens after a drop. */
  readonly reconnects: number;
}

export const STREAM_DEFAULTS = {
  heartbeatIntervalMs: 30_000,
  watchdogFactor: 2.5,
  disconnectGraceMs: 120_000,
  connectTimeoutMs: 10_000,
  stableAfterMs: 5_000,
  closeTimeoutMs: 1_000,
  maxFrameBytes: 1024 * 1024,
} as const;

/** Where the streams' own times count from (see #now). */
const CLOCK_ORIGIN = Date.now();

/** Reconnect backoff unless the options give one: 250 ms doubling to 10 s, full jitter. */
const RECONNECT_BACKOFF: BackoffPolicy = { initialDelayMs: 250, maxDelayMs: 10_000 };

/** Set once by the static block below: hands a socket event to its stream. */
let deliverSocketEvent: (ws: StreamSocket, event: string | symbol, a: unknown, b: unknown) => boolean;

export class GuestChatEventStream {
  /** Also the frame context (it has `guestMemberId` and `conversationId`): no copy per stream. */
  readonly #opts: GuestChatEventStreamOptions;

  #state: StreamState = 'idle';
  #ws: StreamSocket | undefined;
  /** The last socket made, until it has closed: what a shutdown waits for. */
  #lastSocket: StreamSocket | undefined;
  /** The handshake of the current socket did not complete in time. */
  #connectTimer: TimerHandle | undefined;
  /** What the current socket's handshake and errors said (read when it closes). */
  #rejectedStatus: number | undefined;
  #timedOut = false;
  #errorCode: string | undefined;
  #watchdog: TimerHandle | undefined;
  /** When the current socket last received a frame (or opened): the watchdog counts from here. */
  #frameAt = 0;
  #reconnectTimer: TimerHandle | undefined;
  #closeTimer: TimerHandle | undefined;
  /** When the current socket opened (undefined: none is open); see #stableAt. */
  #openedAt: number | undefined;
  #attempt = 0;
  #everOpened = false;
  /** Last moment a stable connection was known alive (or `open()` was called); the grace counts from here. */
  #aliveAt = 0;
  #guestDisconnected = false;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;
  #firstOpen: { resolve: () => void; reject: (err: Error) => void } | undefined;
  /** The first shutdown's work: later calls wait for the same. */
  #shutdownDone: Promise<void> | undefined;

  #framesReceived = 0;
  #eventsEmitted = 0;
  #reconnects = 0;
  /** Made on the first ignored frame: most streams never see one. */
  #ignored: Record<IgnoredFrameReason, number> | undefined;

  constructor(options: GuestChatEventStreamOptions) {
    this.#opts = options;
    if (!(this.#heartbeatIntervalMs >= 0) || !(this.#watchdogMs >= 0)) {
      throw new RangeError('heartbeatIntervalMs and watchdogFactor must be >= 0');
    }
    if (
      !(this.#graceMs > 0) ||
      !(this.#connectTimeoutMs > 0) ||
      !(this.#closeTimeoutMs > 0) ||
      !(this.#stableAfterMs >= 0)
    ) {
      throw new RangeError(
        'disconnectGraceMs, connectTimeoutMs, closeTimeoutMs must be > 0, stableAfterMs >= 0',
      );
    }
  }

  /**
   * The clock, in ms since this module loaded: the stream's times are only ever compared with one
   * another, and a number this small (below 2³¹: a process's first 24 days) is kept in its field as
   * is, where an epoch time is a separate 16-byte number object — three per live chat (issue 12,
   * heap per handover).
   */
  #now(): number {
    return (this.#opts.now ?? Date.now)() - CLOCK_ORIGIN;
  }

  // The settings are read from the options when used, not copied into fields: the options are the
  // owner's object (its getters read settings shared by every stream), and nine fields of their
  // own were ~80 B per live chat (issue 12, heap per handover).
  get #heartbeatIntervalMs(): number {
    return this.#opts.heartbeatIntervalMs ?? STREAM_DEFAULTS.heartbeatIntervalMs;
  }

  get #watchdogMs(): number {
    return this.#heartbeatIntervalMs * (this.#opts.watchdogFactor ?? STREAM_DEFAULTS.watchdogFactor);
  }

  get #graceMs(): number {
    return this.#opts.disconnectGraceMs ?? STREAM_DEFAULTS.disconnectGraceMs;
  }

  get #connectTimeoutMs(): number {
    return this.#opts.connectTimeoutMs ?? STREAM_DEFAULTS.connectTimeoutMs;
  }

  get #closeTimeoutMs(): number {
    return this.#opts.closeTimeoutMs ?? STREAM_DEFAULTS.closeTimeoutMs;
  }

  get #stableAfterMs(): number {
    return this.#opts.stableAfterMs ?? STREAM_DEFAULTS.stableAfterMs;
  }

  get #scheduler(): Scheduler {
    return this.#opts.scheduler ?? plainTimers;
  }

  get #coarse(): Scheduler {
    return this.#opts.coarseScheduler ?? this.#scheduler;
  }

  get state(): StreamState {
    return this.#state;
  }

  get stats(): StreamStats {
    return {
      framesReceived: this.#framesReceived,
      eventsEmitted: this.#eventsEmitted,
      ignoredFrames: {
        'invalid-json': 0,
        'unknown-kind': 0,
        'schema-mismatch': 0,
        'foreign-conversation': 0,
        ...this.#ignored,
      },
      reconnects: this.#reconnects,
    };
  }

  /**
   * Connects and resolves once the socket is open for the first time (Genesys routes the chat
   * only from then on, §1). Failed first attempts are retried like drops, within the grace. Rejects
   * with `GenesysStreamError` if the stream is lost or closed before opening, or with
   * `GenesysAbortedError` when `signal` fires first. Aborting `signal` later closes the stream —
   * unless `untilOpen`: then the signal only governs the opening, and once open the stream lets go
   * of it (`close()` ends the stream), so an owner need not keep a signal for every live stream.
   */
  open(signal: AbortSignal, options: { readonly untilOpen?: boolean } = {}): Promise<void> {
    if (this.#state !== 'idle')
      return Promise.reject(new Error('GuestChatEventStream.open() may be called once'));
    if (signal.aborted) {
      this.#state = 'closed';
      return Promise.reject(new GenesysAbortedError('openEventStream'));
    }
    this.#signal = signal;
    this.#onAbort = () => void this.#shutdown('closed', 'aborted');
    signal.addEventListener('abort', this.#onAbort, { once: true });
    const opened = new Promise<void>((resolve, reject) => {
      this.#firstOpen = { resolve, reject };
    });
    if (options.untilOpen)
      void opened.then(
        () => this.#forgetSignal(),
        () => undefined,
      );
    this.#aliveAt = this.#now();
    this.#connect();
    return opened;
  }

  /** Closes the socket (close handshake, then terminate after `closeTimeoutMs`); idempotent. */
  close(): Promise<void> {
    return this.#shutdown('closed', 'closed-by-owner');
  }

  // ---- connection lifecycle ----

  #connect(): void {
    this.#setState({ state: 'connecting', attempt: this.#attempt, reopened: false });
    const handshakeMs = Math.max(1, Math.min(this.#connectTimeoutMs, this.#graceLeft()));
    let ws: StreamSocket;
    try {
      ws = new StreamSocket(this, new VerbatimUrl(this.#opts.eventStreamUri), {
        maxPayload: this.#opts.maxFrameBytes ?? STREAM_DEFAULTS.maxFrameBytes,
        perMessageDeflate: false,
        followRedirects: false,
      });
    } catch {
      // ws throws SyntaxError("Invalid URL: <uri>") — the message holds the JWT, so it is dropped.
      void this.#shutdown('lost', 'invalid-uri');
      return;
    }
    this.#ws = ws;
    this.#lastSocket = ws;
    this.#rejectedStatus = undefined;
    this.#timedOut = false;
    this.#errorCode = undefined;
    // The handshake timeout is ours, not ws's `handshakeTimeout`: that one sets a timeout on the
    // socket, which keeps its (cleared) timer object and a bound function for the socket's whole
    // life — ~0.2 KiB per live chat (issue 12). Ours is gone once the handshake is over.
    this.#connectTimer = this.#scheduler.after(handshakeMs, () => {
      this.#connectTimer = undefined;
      if (ws !== this.#ws || ws.readyState !== WebSocket.CONNECTING) return;
      this.#timedOut = true;
      ws.terminate();
    });
    // No listeners: the socket hands its events to this stream itself (StreamSocket.emit).
  }

  static {
    // The one way in for a socket's events (StreamSocket.emit): module scope, so that the socket
    // class can reach this class's private handlers without a field or a closure per connection.
    deliverSocketEvent = (ws, event, a, b) => {
      const stream = ws.owner;
      switch (event) {
        case 'message':
          stream.#socketMessage(ws, a as WebSocket.RawData, b as boolean);
          return true;
        case 'open':
          stream.#socketOpen(ws);
          return true;
        case 'close':
          stream.#socketClose(ws, a as number);
          return true;
        case 'error':
          stream.#socketError(ws, a as Error & { code?: unknown });
          return true;
        case 'unexpected-response': {
          const res = b as { statusCode?: number; resume(): void };
          res.resume();
          stream.#socketRejected(ws, res.statusCode);
          ws.terminate();
          return true;
        }
        default:
          return false;
      }
    };
  }

  /** The socket's handshake was answered with an HTTP status (not 101). */
  #socketRejected(ws: StreamSocket, status: number | undefined): void {
    if (ws === this.#ws) this.#rejectedStatus = status;
  }

  #socketError(ws: StreamSocket, err: Error & { code?: unknown }): void {
    if (ws !== this.#ws) return;
    if (err.message === 'Opening handshake has timed out') this.#timedOut = true;
    if (typeof err.code === 'string') this.#errorCode = err.code;
  }

  #socketOpen(ws: StreamSocket): void {
    if (ws !== this.#ws) return;
    this.#clearConnectTimer();
    const reopened = this.#everOpened;
    if (reopened) this.#reconnects++;
    this.#everOpened = true;
    this.#openedAt = this.#now();
    this.#markAlive();
    this.#setState({ state: 'open', attempt: this.#attempt, reopened });
    this.#firstOpen?.resolve();
    this.#firstOpen = undefined;
  }

  #socketMessage(ws: StreamSocket, data: WebSocket.RawData, isBinary: boolean): void {
    if (ws !== this.#ws || this.#state !== 'open') return;
    this.#markAlive();
    this.#onFrame(data, isBinary);
  }

  #socketClose(ws: StreamSocket, code: number): void {
    if (ws === this.#lastSocket) this.#lastSocket = undefined;
    if (ws !== this.#ws) return;
    this.#ws = undefined;
    this.#clearConnectTimer();
    this.#clearWatchdog();
    this.#clearStability();
    if (this.#state === 'closed' || this.#state === 'lost') return;
    const rejectedStatus = this.#rejectedStatus;
    if (
      rejectedStatus !== undefined &&
      rejectedStatus >= 400 &&
      rejectedStatus < 500 &&
      rejectedStatus !== 408 &&
      rejectedStatus !== 429
    ) {
      void this.#shutdown('lost', 'rejected', rejectedStatus);
      return;
    }
    if (this.#guestDisconnected) {
      void this.#shutdown('closed', 'guest-disconnected');
      return;
    }
    const reason: StreamReason = this.#timedOut ? 'connect-timeout' : 'socket-closed';
    this.#opts.logger?.debug(
      { reason, code, errorCode: this.#errorCode, status: rejectedStatus },
      'guest-chat event stream dropped',
    );
    this.#scheduleReconnect(reason);
  }

  #scheduleReconnect(reason: StreamReason): void {
    if (this.#guestDisconnected) {
      void this.#shutdown('closed', 'guest-disconnected');
      return;
    }
    const left = this.#graceLeft();
    if (left <= 0) {
      void this.#shutdown('lost', 'grace-exceeded');
      return;
    }
    this.#attempt++;
    const jitter = fullJitterDelay(
      this.#attempt,
      this.#opts.backoff ?? RECONNECT_BACKOFF,
      this.#opts.random ?? Math.random,
    );
    const delayMs = Math.min(jitter, left);
    this.#setState({ state: 'reconnecting', attempt: this.#attempt, reopened: false, delayMs, reason });
    this.#reconnectTimer = this.#scheduler.after(delayMs, () => {
      this.#reconnectTimer = undefined;
      if (this.#state !== 'reconnecting') return;
      if (this.#graceLeft() <= 0) {
        void this.#shutdown('lost', 'grace-exceeded');
        return;
      }
      this.#connect();
    });
  }

  #shutdown(state: 'closed' | 'lost', reason: StreamReason, status?: number): Promise<void> {
    // Closed before it ever connected (open() with an aborted signal): nothing to stop.
    this.#shutdownDone ??=
      this.#state === 'closed' || this.#state === 'lost'
        ? Promise.resolve()
        : this.#stop(state, reason, status);
    return this.#shutdownDone;
  }

  async #stop(state: 'closed' | 'lost', reason: StreamReason, status?: number): Promise<void> {
    this.#clearConnectTimer();
    this.#clearWatchdog();
    this.#clearStability();
    this.#reconnectTimer?.cancel();
    this.#reconnectTimer = undefined;
    this.#forgetSignal();
    this.#setState({
      state,
      attempt: this.#attempt,
      reopened: false,
      reason,
      ...(status === undefined ? {} : { status }),
    });

    const pending = this.#firstOpen;
    this.#firstOpen = undefined;
    pending?.reject(
      reason === 'aborted'
        ? new GenesysAbortedError('openEventStream')
        : new GenesysStreamError(reason, status),
    );

    // The last socket made may still be closing (one the watchdog dropped): wait for it too.
    const last = this.#lastSocket;
    const closed = last ? new Promise<void>((resolve) => last.once('close', () => resolve())) : undefined;
    const ws = this.#ws;
    this.#ws = undefined;
    if (ws === undefined) return closed;
    if (ws.readyState === WebSocket.OPEN) {
      ws.close(1000);
      this.#closeTimer = this.#scheduler.after(this.#closeTimeoutMs, () => ws.terminate());
    } else {
      ws.terminate();
    }
    await closed;
    this.#closeTimer?.cancel();
    this.#closeTimer = undefined;
  }

  // ---- frames ----

  #onFrame(data: WebSocket.RawData, isBinary: boolean): void {
    this.#framesReceived++;
    if (isBinary) {
      this.#ignore('invalid-json');
      return;
    }
    const text = rawToText(data);
    const result = parseFrame(text, this.#opts satisfies FrameContext);
    if (!result.ok) {
      this.#ignore(result.reason, text.length);
      return;
    }
    const event = result.event;
    // A DISCONNECTED guest means the chat is over for us: a following server close is final.
    if (event.kind === 'member-change' && event.own) this.#guestDisconnected = event.state === 'DISCONNECTED';
    this.#eventsEmitted++;
    try {
      this.#opts.onEvent(event);
    } catch (err) {
      this.#opts.logger?.warn({ err: errorName(err), kind: event.kind }, 'guest-chat onEvent listener threw');
    }
  }

  #ignore(reason: IgnoredFrameReason, length?: number): void {
    this.#ignored ??= {
      'invalid-json': 0,
      'unknown-kind': 0,
      'schema-mismatch': 0,
      'foreign-conversation': 0,
    };
    this.#ignored[reason]++;
    this.#opts.logger?.debug({ reason, length }, 'guest-chat frame ignored');
  }

  // ---- watchdog and grace ----

  /**
   * A frame arrived (or the socket opened). Only a time is noted per frame: the watchdog, armed once
   * per silence window, looks at it when it fires and re-arms for what is left of the window — no
   * timer is touched on every heartbeat.
   */
  #markAlive(): void {
    const now = this.#now();
    this.#frameAt = now;
    if (this.#stableAt(now)) this.#aliveAt = now;
    if (this.#watchdogMs > 0 && !this.#watchdog) this.#armWatchdog(this.#watchdogMs);
  }

  #armWatchdog(ms: number): void {
    // One function for every stream, the stream as its argument: every live chat has this timer
    // armed, and a closure with its context each was ~0.1 KiB per chat (issue 12).
    this.#watchdog = this.#coarse.after(ms, GuestChatEventStream.#watchdogFired, this);
  }

  static #watchdogFired(stream: GuestChatEventStream): void {
    stream.#onWatchdog();
  }

  #onWatchdog(): void {
    this.#watchdog = undefined;
    const ws = this.#ws;
    if (ws === undefined || this.#state !== 'open') return;
    const silentMs = this.#now() - this.#frameAt;
    if (silentMs < this.#watchdogMs) {
      this.#armWatchdog(this.#watchdogMs - silentMs);
      return;
    }
    this.#opts.logger?.warn({ afterMs: this.#watchdogMs }, 'guest-chat event stream silent: reconnecting');
    // Detach first so the close of this dead socket is not taken for a second drop.
    this.#ws = undefined;
    this.#clearStability();
    ws.terminate();
    this.#scheduleReconnect('heartbeat-timeout');
  }

  #forgetSignal(): void {
    if (this.#signal && this.#onAbort) this.#signal.removeEventListener('abort', this.#onAbort);
    this.#signal = undefined;
    this.#onAbort = undefined;
  }

  #clearConnectTimer(): void {
    this.#connectTimer?.cancel();
    this.#connectTimer = undefined;
  }

  #clearWatchdog(): void {
    this.#watchdog?.cancel();
    this.#watchdog = undefined;
  }

  /**
   * Whether the current socket has stayed open `stableAfterMs` by `now`, and so counts as recovered:
   * from that moment the backoff starts again at its first step and the grace counts from then on.
   * Worked out when next needed — a frame, a drop — instead of by a timer per connection (issue 12:
   * a timer entry and its closure per chat opened in the last 5 s). Repeating it changes nothing.
   */
  #stableAt(now: number): boolean {
    if (this.#openedAt === undefined) return false;
    const stableFrom = this.#openedAt + this.#stableAfterMs;
    if (now < stableFrom) return false;
    this.#attempt = 0;
    if (this.#aliveAt < stableFrom) this.#aliveAt = stableFrom;
    return true;
  }

  /** The current socket is gone: what it earned (stable or not) is settled now. */
  #clearStability(): void {
    this.#stableAt(this.#now());
    this.#openedAt = undefined;
  }

  #graceLeft(): number {
    return this.#graceMs - (this.#now() - this.#aliveAt);
  }

  #setState(change: StreamStateChange): void {
    this.#state = change.state;
    try {
      this.#opts.onState?.(change);
    } catch (err) {
      this.#opts.logger?.warn(
        { err: errorName(err), state: change.state },
        'guest-chat onState listener threw',
      );
    }
  }
}

/**
 * A socket that knows its stream and hands it its events from `emit` itself — no listeners at all.
 * Five listeners cost more than their functions: the emitter's event table turns into a dictionary
 * of ~0.25 KiB per socket, per live chat (issue 12, heap per handover). ws reads the return value
 * of `emit('unexpected-response')` (true: someone took the response), so that one says true.
 * Listeners added by others still hear every event but `message` (none listens to that one).
 */
class StreamSocket extends WebSocket {
  readonly owner: GuestChatEventStream;

  /** `owner` is set before any event can be emitted: ws connects asynchronously. */
  constructor(owner: GuestChatEventStream, address: URL, options: WebSocket.ClientOptions) {
    super(address, options);
    this.owner = owner;
    // Even empty, the emitter's own event table is a dictionary (~0.18 KiB: `{ __proto__: null }`).
    // Node's EventEmitter treats an undefined table as empty and makes one on the first `on`/`once`
    // (the state before its constructor ran), so a socket nobody listens to holds none.
    (this as unknown as { _events: unknown })._events = undefined;
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    const taken = deliverSocketEvent(this, event, args[0], args[1]);
    if (event === 'message' || (taken && this.listenerCount(event) === 0)) return taken;
    return super.emit(event, ...args) || taken;
  }
}

/**
 * The event-stream URI as a URL whose `href` is the caller's own string when it is already in the
 * URL's serialised form (every URI Genesys hands out, §2.3). `ws` keeps `href` for the socket's
 * life (its `url`); a plain URL would give it a fresh ~0.5 KiB copy of a string the chat already
 * holds (the JWT is a slice of it, provider-ref.ts) — per live chat (issue 12, heap per handover).
 */
class VerbatimUrl extends URL {
  readonly #href: string;

  constructor(uri: string) {
    super(uri);
    const serialised = super.href;
    this.#href = serialised === uri ? uri : serialised;
  }

  override get href(): string {
    return this.#href;
  }
}

function rawToText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(new Uint8Array(data)).toString('utf8');
  return data.toString('utf8');
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
