// The bot's HTTP client for the gateway's /v1 API. It is the only place that holds the API key;
// nothing it returns carries the key or anything secret (the gateway never returns the Genesys JWT).
// Every call has a timeout and may be aborted.
import type { z } from 'zod';
import {
  errorBodySchema,
  handoverSchema,
  type GatewayHandover,
  type StartHandoverRequest,
} from './gateway-contract.ts';

export interface GatewayClientOptions {
  /** e.g. `http://127.0.0.1:8080` (no trailing slash needed). */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Per-request timeout, ms. Default 10 000. */
  readonly timeoutMs?: number;
}

/** A non-2xx answer; `code` is the gateway's stable error code (e.g. `HANDOVER_NOT_ACTIVE`). */
export class GatewayHttpError extends Error {
  readonly status: number;
  readonly code: string;
  /** ENDPOINT_CLOSED: the next opening (ISO), when the gateway knows it. */
  readonly nextOpening: string | undefined;
  constructor(status: number, code: string, message: string, nextOpening?: string | null) {
    super(`gateway answered ${status} ${code}: ${message}`);
    this.name = 'GatewayHttpError';
    this.status = status;
    this.code = code;
    this.nextOpening = nextOpening ?? undefined;
  }
}

export class GatewayClient {
  readonly #base: string;
  readonly #key: string;
  readonly #timeoutMs: number;

  constructor(options: GatewayClientOptions) {
    this.#base = options.baseUrl.replace(/\/+$/, '');
    this.#key = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Idempotent per (endpoint, userId, sessionId): a retry returns the same unended handover. */
  start(body: StartHandoverRequest, signal?: AbortSignal): Promise<GatewayHandover> {
    return this.#json('POST', '/v1/handovers', handoverSchema, body, signal);
  }

  /**
   * `idempotencyKey` makes a retry safe: the gateway stores the message once per key, so resending
   * after a timeout (did it arrive or not?) never shows the agent the same line twice.
   */
  async sendMessage(
    handoverId: string,
    text: string,
    idempotencyKey: string,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.#call('POST', `/v1/handovers/${encodeURIComponent(handoverId)}/messages`, { text }, signal, {
      'idempotency-key': idempotencyKey,
    });
  }

  /** The gateway throttles pulses itself (one every 3 s reaches the agent); calling often is fine. */
  async typing(handoverId: string, signal?: AbortSignal): Promise<void> {
    await this.#call('POST', `/v1/handovers/${encodeURIComponent(handoverId)}/typing`, undefined, signal);
  }

  /** The customer closed the page (`away`) or came back (`back`): the agent sees a notice. */
  async presence(handoverId: string, status: 'away' | 'back', signal?: AbortSignal): Promise<void> {
    await this.#call('POST', `/v1/handovers/${encodeURIComponent(handoverId)}/presence`, { status }, signal);
  }

  end(handoverId: string, signal?: AbortSignal): Promise<GatewayHandover> {
    return this.#json(
      'POST',
      `/v1/handovers/${encodeURIComponent(handoverId)}/end`,
      handoverSchema,
      undefined,
      signal,
    );
  }

  /**
   * Opens `GET /v1/handovers/{id}/events` (SSE). No timeout here: the stream is long-lived and the
   * caller's signal ends it. `lastEventId` resumes after that event.
   */
  async openEvents(
    handoverId: string,
    lastEventId: string | undefined,
    signal: AbortSignal,
  ): Promise<Response> {
    const res = await fetch(`${this.#base}/v1/handovers/${encodeURIComponent(handoverId)}/events`, {
      headers: {
        authorization: `Bearer ${this.#key}`,
        accept: 'text/event-stream',
        ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
      },
      signal,
    });
    if (res.status !== 200 && res.status !== 204) throw await toError(res);
    return res;
  }

  async #json<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<z.infer<S>> {
    const res = await this.#call(method, path, body, signal);
    return schema.parse(await res.json());
  }

  async #call(
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
    extraHeaders: Record<string, string> = {},
  ): Promise<Response> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const res = await fetch(`${this.#base}${path}`, {
      method,
      headers: {
        ...extraHeaders,
        authorization: `Bearer ${this.#key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (!res.ok) throw await toError(res);
    return res;
  }
}

async function toError(res: Response): Promise<GatewayHttpError> {
  const text = await res.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const body = errorBodySchema.safeParse(parsed);
  return body.success
    ? new GatewayHttpError(
        res.status,
        body.data.error.code,
        body.data.error.message,
        body.data.error.nextOpening,
      )
    : new GatewayHttpError(res.status, 'UNEXPECTED_RESPONSE', text.slice(0, 200));
}
