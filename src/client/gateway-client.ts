// The typed client of the gateway's /v1 API (docs/client.md). Every operation of the OpenAPI document
// has a method; requests are typed from, and answers validated with, the same zod schemas the server
// uses (src/contract/). It holds the API key and never returns or logs it. Each call has a timeout,
// may be aborted, and is retried on network errors, 429 and 5xx (src/client/retry.ts); a message's
// Idempotency-Key stays the same on every try, so a retry never shows the agent a line twice.
import type { z } from 'zod';
import {
  deadLettersResponse,
  handoverListResponse,
  handoverResponse,
  presenceResponse,
  replayResponse,
  sendMessageResponse,
  transcriptResponse,
  typingResponse,
  webhookTestResponse,
  type deadLettersQuery,
  type listQuery,
  type replayBody,
  type sendMessageBody,
  type startHandoverBody,
} from '../api/schemas.ts';
import { parseRetryAfter } from '../core/retry/retry-after.ts';
import { errorFromResponse, GatewayApiError, safeJson } from './errors.ts';
import { followHandoverEvents, type FollowOptions, type FollowResult } from './event-follower.ts';
import { withRetries, type RetryOptions } from './retry.ts';

export type StartHandoverRequest = z.input<typeof startHandoverBody>;
export type SendMessageRequest = z.input<typeof sendMessageBody>;
export type ListHandoversQuery = Omit<z.input<typeof listQuery>, 'limit'> & { readonly limit?: number };
export type DeadLettersQuery = Omit<z.input<typeof deadLettersQuery>, 'limit'> & { readonly limit?: number };
export type ReplayDeadLettersRequest = z.input<typeof replayBody>;
export type Handover = z.output<typeof handoverResponse>;
export type HandoverPage = z.output<typeof handoverListResponse>;
export type TranscriptEntry = z.output<typeof transcriptResponse>['items'][number];
export type SendMessageResult = z.output<typeof sendMessageResponse>;
export type DeadLetter = z.output<typeof deadLettersResponse>['items'][number];
export type DeadLetterPage = z.output<typeof deadLettersResponse>;
export type WebhookTestResult = z.output<typeof webhookTestResponse>;

export interface GatewayClientOptions {
  /** e.g. `http://127.0.0.1:8080` (a trailing slash is fine). */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Per-try timeout, ms. Default 10 000. */
  readonly timeoutMs?: number;
  readonly retry?: RetryOptions;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface SendMessageOptions extends CallOptions {
  /** Makes retries safe (stored once per key and handover). Default: a new UUID per call, kept across its tries. */
  readonly idempotencyKey?: string;
}

export class GatewayClient {
  readonly #base: string;
  readonly #key: string;
  readonly #timeoutMs: number;
  readonly #retry: RetryOptions;
  readonly #fetch: typeof fetch;

  constructor(options: GatewayClientOptions) {
    this.#base = options.baseUrl.replace(/\/+$/, '');
    this.#key = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#retry = options.retry ?? {};
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** `POST /v1/handovers`. Idempotent per (endpoint, userId, sessionId): a retry returns the same unended handover. */
  startHandover(body: StartHandoverRequest, options?: CallOptions): Promise<Handover> {
    return this.#json('POST', '/v1/handovers', handoverResponse, { body, ...options });
  }

  /** `GET /v1/handovers`: one page, newest first. */
  listHandovers(query: ListHandoversQuery = {}, options?: CallOptions): Promise<HandoverPage> {
    return this.#json('GET', `/v1/handovers${queryString(query)}`, handoverListResponse, { ...options });
  }

  /** Every handover matching `query`, page after page. */
  async *handovers(
    query: Omit<ListHandoversQuery, 'cursor'> = {},
    options?: CallOptions,
  ): AsyncGenerator<Handover> {
    let cursor: string | undefined;
    do {
      const page = await this.listHandovers({ ...query, ...(cursor ? { cursor } : {}) }, options);
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor);
  }

  /** `GET /v1/handovers/{id}`. */
  getHandover(handoverId: string, options?: CallOptions): Promise<Handover> {
    return this.#json('GET', handoverPath(handoverId), handoverResponse, { ...options });
  }

  /** `GET /v1/handovers/{id}/transcript`: bot conversation, customer and agent messages, in order. */
  async getTranscript(handoverId: string, options?: CallOptions): Promise<TranscriptEntry[]> {
    const { items } = await this.#json('GET', `${handoverPath(handoverId)}/transcript`, transcriptResponse, {
      ...options,
    });
    return items;
  }

  /** `POST /v1/handovers/{id}/messages`: the customer's text and/or files, stored before the 202. */
  sendMessage(
    handoverId: string,
    message: string | SendMessageRequest,
    options: SendMessageOptions = {},
  ): Promise<SendMessageResult> {
    const { idempotencyKey = globalThis.crypto.randomUUID(), ...rest } = options;
    return this.#json('POST', `${handoverPath(handoverId)}/messages`, sendMessageResponse, {
      body: typeof message === 'string' ? { text: message } : message,
      headers: { 'idempotency-key': idempotencyKey },
      ...rest,
    });
  }

  /** `POST /v1/handovers/{id}/typing`. The gateway throttles (one pulse every 3 s reaches the agent): call freely. */
  async typing(handoverId: string, options?: CallOptions): Promise<boolean> {
    const { forwarded } = await this.#json('POST', `${handoverPath(handoverId)}/typing`, typingResponse, {
      ...options,
    });
    return forwarded;
  }

  /** `POST /v1/handovers/{id}/presence`: the customer left the page (`away`) or came back. */
  async setPresence(handoverId: string, status: 'away' | 'back', options?: CallOptions): Promise<boolean> {
    const { notified } = await this.#json('POST', `${handoverPath(handoverId)}/presence`, presenceResponse, {
      body: { status },
      ...options,
    });
    return notified;
  }

  /**
   * `POST /v1/handovers/{id}/end`: the customer leaves. The handover comes back ended, or still
   * `closing` (202) — then `handover.ended` follows as an event.
   */
  endHandover(handoverId: string, options?: CallOptions): Promise<Handover> {
    return this.#json('POST', `${handoverPath(handoverId)}/end`, handoverResponse, { ...options });
  }

  /**
   * `GET /v1/dead-letters`: webhook events not delivered within the retry period, oldest first; a
   * page (`nextCursor`, when more, goes back as `cursor`).
   */
  listDeadLetters(query: DeadLettersQuery = {}, options?: CallOptions): Promise<DeadLetterPage> {
    return this.#json('GET', `/v1/dead-letters${queryString(query)}`, deadLettersResponse, { ...options });
  }

  /** `POST /v1/dead-letters/replay`: back into the webhook outbox; returns how many. */
  async replayDeadLetters(body: ReplayDeadLettersRequest = {}, options?: CallOptions): Promise<number> {
    const { replayed } = await this.#json('POST', '/v1/dead-letters/replay', replayResponse, {
      body,
      ...options,
    });
    return replayed;
  }

  /** `POST /v1/endpoints/{id}/webhook-test`: a signed `webhook.test` delivery to the endpoint's webhook, now. */
  testWebhook(endpointId: string, options?: CallOptions): Promise<WebhookTestResult> {
    return this.#json(
      'POST',
      `/v1/endpoints/${encodeURIComponent(endpointId)}/webhook-test`,
      webhookTestResponse,
      {
        ...options,
      },
    );
  }

  /**
   * `GET /v1/handovers/{id}/events` (SSE), followed until the handover ends: see `FollowOptions`.
   * Resolves `finished` after the terminal event (or a 204), `aborted` when `signal` aborted.
   */
  followEvents(handoverId: string, options: Omit<FollowOptions, 'handoverId'>): Promise<FollowResult> {
    return followHandoverEvents(this, { ...options, handoverId });
  }

  /**
   * Opens the SSE stream once (200 with a body, or 204 when the handover is over and `lastEventId`
   * was its last event). No timeout: the stream is long-lived; `signal` ends it. Most bots want `followEvents`.
   */
  async openEvents(
    handoverId: string,
    lastEventId: string | undefined,
    signal: AbortSignal,
  ): Promise<Response> {
    const res = await this.#fetch(`${this.#base}${handoverPath(handoverId)}/events`, {
      headers: {
        authorization: `Bearer ${this.#key}`,
        accept: 'text/event-stream',
        ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
      },
      signal,
    });
    if (res.status !== 200 && res.status !== 204) throw await errorFromResponse(res, retryAfterOf(res));
    return res;
  }

  #json<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    request: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal | undefined },
  ): Promise<z.output<S>> {
    return withRetries(this.#retry, request.signal, async () => {
      const res = await this.#send(method, path, request);
      const text = await res.text();
      const parsed = schema.safeParse(safeJson(text));
      if (!parsed.success)
        throw new GatewayApiError(
          res.status,
          'UNEXPECTED_RESPONSE',
          `the answer breaks the contract: ${parsed.error.message}`,
        );
      return parsed.data;
    });
  }

  async #send(
    method: string,
    path: string,
    request: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal | undefined },
  ): Promise<Response> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const { body, signal } = request;
    const res = await this.#fetch(`${this.#base}${path}`, {
      method,
      headers: {
        ...request.headers,
        accept: 'application/json',
        authorization: `Bearer ${this.#key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (!res.ok) throw await errorFromResponse(res, retryAfterOf(res));
    return res;
  }
}

function handoverPath(id: string): string {
  return `/v1/handovers/${encodeURIComponent(id)}`;
}

function retryAfterOf(res: Response): number | undefined {
  return parseRetryAfter(res.headers.get('retry-after'), Date.now());
}

function queryString(query: Readonly<Record<string, string | number | undefined>>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}
