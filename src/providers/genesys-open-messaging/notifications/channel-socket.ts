// One WebSocket to a notification channel's `connectUri` (protocol §4.6) for one connection's life:
// the handshake under a timeout, frames handed on as text, a watchdog that declares the socket dead
// when nothing (not even a `channel.metadata` heartbeat, every ~30 s) arrived for `watchdogMs`.
// Reconnecting is the owner's job (channel-slot.ts) because it may need REST (a new channel). Every
// timer runs on the injected Scheduler. The connectUri is never logged nor put into an error.
import WebSocket from 'ws';
import type { Scheduler, TimerHandle } from '../../../core/ports/scheduler.ts';
import { NotificationsChannelError } from '../errors.ts';

/** How a socket that was open went down. */
export type SocketDownReason = 'socket-closed' | 'heartbeat-timeout';

/** What opens a WebSocket; `ws` by default. Tests may pass their own. */
export type WebSocketFactory = (uri: string, options: { maxPayload: number }) => WebSocket;

export const defaultWebSocketFactory: WebSocketFactory = (uri, options) =>
  new WebSocket(uri, { maxPayload: options.maxPayload, perMessageDeflate: false, followRedirects: false });

export interface ChannelSocketOptions {
  readonly connectUri: string;
  readonly scheduler: Scheduler;
  readonly now: () => number;
  readonly connectTimeoutMs: number;
  /** Silence after which the socket counts as dead, ms; 0 disables the watchdog. */
  readonly watchdogMs: number;
  /** After `close()`, how long the close handshake may take before the socket is terminated, ms. */
  readonly closeTimeoutMs: number;
  readonly maxFrameBytes: number;
  readonly factory: WebSocketFactory;
  readonly onFrame: (text: string) => void;
  /** Called once when an open socket goes down by itself (not after `close()`). */
  readonly onDown: (reason: SocketDownReason, closeCode: number | undefined) => void;
}

export class ChannelSocket {
  readonly #opts: ChannelSocketOptions;
  #ws: WebSocket | undefined;
  #watchdog: TimerHandle | undefined;
  #lastFrameAt = 0;
  #closed = false;
  #socketGone: Promise<void> = Promise.resolve();

  constructor(options: ChannelSocketOptions) {
    this.#opts = options;
  }

  /** Resolves once open; rejects with NotificationsChannelError (`rejected` carries the HTTP status). */
  open(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(new NotificationsChannelError('aborted'));
        return;
      }
      let ws: WebSocket;
      try {
        ws = this.#opts.factory(this.#opts.connectUri, { maxPayload: this.#opts.maxFrameBytes });
      } catch {
        // ws's SyntaxError quotes the URI: dropped.
        reject(new NotificationsChannelError('invalid-uri'));
        return;
      }
      this.#ws = ws;
      this.#socketGone = new Promise<void>((r) => ws.once('close', () => r()));
      let opened = false;
      let status: number | undefined;
      const fail = (reason: string): void => {
        timer.cancel();
        signal.removeEventListener('abort', onAbort);
        ws.terminate();
        reject(new NotificationsChannelError(reason, status));
      };
      const timer = this.#opts.scheduler.after(this.#opts.connectTimeoutMs, () => fail('connect-timeout'));
      const onAbort = (): void => fail('aborted');
      signal.addEventListener('abort', onAbort, { once: true });

      ws.on('unexpected-response', (_req, res) => {
        status = res.statusCode;
        res.resume();
        fail(status !== undefined && status >= 400 && status < 500 ? 'rejected' : 'handshake-failed');
      });
      ws.on('error', () => {
        // Details (ECONNREFUSED, …) surface through 'close'; the message may quote the URI.
      });
      ws.on('open', () => {
        opened = true;
        timer.cancel();
        signal.removeEventListener('abort', onAbort);
        this.#alive();
        resolve();
      });
      ws.on('message', (data, isBinary) => {
        if (this.#ws !== ws || isBinary) return;
        this.#alive();
        this.#opts.onFrame(rawToText(data));
      });
      ws.on('close', (code) => {
        if (!opened) {
          fail('socket-closed');
          return;
        }
        this.#stopWatchdog();
        if (this.#ws !== ws || this.#closed) return;
        this.#ws = undefined;
        this.#opts.onDown('socket-closed', code);
      });
    });
  }

  /** Close handshake, then terminate after `closeTimeoutMs`; idempotent; never reports `onDown`. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopWatchdog();
    const ws = this.#ws;
    this.#ws = undefined;
    if (ws === undefined) return this.#socketGone;
    if (ws.readyState === WebSocket.OPEN) {
      ws.close(1000);
      const killer = this.#opts.scheduler.after(this.#opts.closeTimeoutMs, () => ws.terminate());
      await this.#socketGone;
      killer.cancel();
    } else {
      ws.terminate();
      await this.#socketGone;
    }
  }

  // One timer per silence, not per frame: when it fires early (frames came meanwhile) it re-arms
  // for the rest of the window.
  #alive(): void {
    this.#lastFrameAt = this.#opts.now();
    if (this.#opts.watchdogMs > 0 && this.#watchdog === undefined) this.#arm(this.#opts.watchdogMs);
  }

  #arm(delayMs: number): void {
    this.#watchdog = this.#opts.scheduler.after(delayMs, () => {
      this.#watchdog = undefined;
      const silentFor = this.#opts.now() - this.#lastFrameAt;
      if (silentFor < this.#opts.watchdogMs) {
        this.#arm(this.#opts.watchdogMs - silentFor);
        return;
      }
      const ws = this.#ws;
      if (ws === undefined || this.#closed) return;
      // Detach first so the close of this dead socket is not reported a second time.
      this.#ws = undefined;
      ws.terminate();
      this.#opts.onDown('heartbeat-timeout', undefined);
    });
  }

  #stopWatchdog(): void {
    this.#watchdog?.cancel();
    this.#watchdog = undefined;
  }
}

function rawToText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(new Uint8Array(data)).toString('utf8');
  return data.toString('utf8');
}
