// The guest-chat REST client: every operation of protocol §5, typed and zod-parsed. One instance
// per base URL (cheap; no shared state); credentials, AbortSignal and optional timeout per call.
// Every method returns a Promise and never throws synchronously (unlike the official SDK, §13.2).
import { z } from 'zod';
import type { GuestCredentials, GuestSession } from '../credentials.ts';
import { GenesysResponseError, GuestChatRequestError } from '../errors.ts';
import { normalizeBaseUrl } from '../regions.ts';
import { CreateConversationResponseSchema, type CreateConversationRequest } from '../wire/conversation.ts';
import {
  MediaRequestListSchema,
  MediaRequestSchema,
  type MediaRequest,
  type MediaRequestUpdate,
} from '../wire/media-request.ts';
import { MemberInfoSchema, MemberPageSchema, type MemberInfo, type MemberPage } from '../wire/member.ts';
import {
  MAX_HISTORY_PAGE_SIZE,
  MAX_MESSAGE_BODY_LENGTH,
  MessagePageSchema,
  WebChatMessageSchema,
  WebChatTypingSchema,
  type MessagePage,
  type OutboundBodyType,
  type WebChatMessage,
  type WebChatTyping,
} from '../wire/message.ts';
import { historyQueryParams, nextHistoryQuery, type HistoryQuery } from './history-cursor.ts';
import { InFlightLimit } from '../../../core/concurrency/in-flight-limit.ts';
import { streamUriBelongs } from './stream-uri.ts';
import { httpRequest, type FetchLike, type HttpCall, type HttpSettings } from './http-request.ts';
import { pooledRequest } from '../../../http/pooled-request.ts';
import type { Scheduler } from '../../../core/ports/scheduler.ts';
import { plainTimers } from '../support/plain-timers.ts';

export interface GuestChatRestClientOptions {
  /**
   * API base URL without a trailing path: `https://api.<environment>` (see `resolveBaseUrl`,
   * protocol §2.1) or the emulator's `http://127.0.0.1:<port>`.
   */
  readonly baseUrl: string;
  /** The HTTP exchange (a fetch function fits). Default: undici's `request` on a pool of `maxInFlight` connections. */
  readonly fetch?: FetchLike;
  /** Per-request timeout in ms, covering the whole exchange incl. the body. Default 16000 (the SDK's, §12). */
  readonly timeoutMs?: number;
  /** `User-Agent` header. Default: none. */
  readonly userAgent?: string;
  /** Timers of the per-request timeout. Default: real timers that keep the process alive. */
  readonly scheduler?: Scheduler;
  /** Requests in flight at once (each holds a connection); the others wait. Default 32. */
  readonly maxInFlight?: number;
}

/** Per-call options: every call is abortable and may override the timeout. */
export interface CallOptions {
  readonly signal: AbortSignal;
  /** Overrides `GuestChatRestClientOptions.timeoutMs` for this call, ms. */
  readonly timeoutMs?: number;
}

export interface ListMembersQuery {
  /** Default 25 (§5.3). */
  readonly pageSize?: number;
  /** 1-based, default 1 (§5.3). */
  readonly pageNumber?: number;
  /** Omit members in state DISCONNECTED. Default false (§5.3). */
  readonly excludeDisconnectedMembers?: boolean;
}

export interface SendMessageOptions extends CallOptions {
  /** Default `standard` (§5.6). */
  readonly bodyType?: OutboundBodyType;
}

export const DEFAULT_TIMEOUT_MS = 16_000;

/**
 * REST exchanges in flight at once per client unless configured (the gateway's configuration has the
 * same default: `endpoints[].genesys.maxRequestsInFlight`). Each holds a connection for one round
 * trip, so the limit caps the call rate at about limit ÷ round trip: 32 carry ~2,000 calls a second
 * on loopback (15–18 ms a call on two busy cores, bench/README.md round twenty), ~640 at 50 ms.
 */
export const DEFAULT_MAX_IN_FLIGHT = 32;

/** Safety net against a server whose `next` never ends. 1000 pages × 100 = 100,000 messages. */
const MAX_HISTORY_PAGES = 1000;
const MAX_MEMBER_PAGES = 1000;

const CONVERSATIONS = '/api/v2/webchat/guest/conversations';

const seg = encodeURIComponent;

export class GuestChatRestClient {
  readonly baseUrl: string;
  readonly #http: HttpSettings;

  constructor(options: GuestChatRestClientOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(timeoutMs > 0)) throw new RangeError('timeoutMs must be > 0');
    const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.#http = {
      baseUrl: this.baseUrl,
      fetch: options.fetch ?? pooledRequest(maxInFlight),
      timeoutMs,
      userAgent: options.userAgent,
      scheduler: options.scheduler ?? plainTimers,
      limit: new InFlightLimit(maxInFlight),
    };
  }

  /** §5.1 — unauthenticated. Returns the session to persist (a secret: it holds the JWT). */
  async createConversation(request: CreateConversationRequest, options: CallOptions): Promise<GuestSession> {
    const res = await this.#call({
      operation: 'createConversation',
      method: 'POST',
      path: CONVERSATIONS,
      body: request,
      schema: CreateConversationResponseSchema,
      ...options,
    });
    if (!streamUriBelongs(res.eventStreamUri, this.baseUrl))
      // The URI is not named: it holds the JWT.
      throw new GenesysResponseError({
        operation: 'createConversation',
        status: 200,
        issues: ['eventStreamUri: not a wss:// URI on the configured Genesys environment'],
      });
    return {
      conversationId: res.id,
      memberId: res.member.id,
      jwt: res.jwt,
      eventStreamUri: res.eventStreamUri,
    };
  }

  /** §5.2 — any member of the conversation (used to resolve ids seen in events, §9.4). */
  getMember(creds: GuestCredentials, memberId: string, options: CallOptions): Promise<MemberInfo> {
    return this.#call({
      operation: 'getMember',
      method: 'GET',
      path: memberPath(creds, memberId),
      jwt: creds.jwt,
      schema: MemberInfoSchema,
      ...options,
    });
  }

  /** §5.3 — one page of members. */
  listMembers(creds: GuestCredentials, query: ListMembersQuery, options: CallOptions): Promise<MemberPage> {
    return this.#call({
      operation: 'listMembers',
      method: 'GET',
      path: `${conversationPath(creds)}/members`,
      query: {
        pageSize: query.pageSize,
        pageNumber: query.pageNumber,
        excludeDisconnectedMembers: query.excludeDisconnectedMembers,
      },
      jwt: creds.jwt,
      schema: MemberPageSchema,
      ...options,
    });
  }

  /** All members across pages, following `pageNumber` until `pageCount` (or an empty/short page). */
  async *iterateMembers(
    creds: GuestCredentials,
    query: Omit<ListMembersQuery, 'pageNumber'>,
    options: CallOptions,
  ): AsyncGenerator<MemberInfo, void, undefined> {
    for (let pageNumber = 1; pageNumber <= MAX_MEMBER_PAGES; pageNumber++) {
      const page = await this.listMembers(creds, { ...query, pageNumber }, options);
      yield* page.entities;
      const pageCount = page.pageCount;
      const more =
        pageCount !== undefined
          ? pageNumber < pageCount
          : page.nextUri !== undefined && page.entities.length > 0;
      if (!more || page.entities.length === 0) return;
    }
    throw new GenesysResponseError({
      operation: 'listMembers',
      status: 200,
      issues: [`more than ${MAX_MEMBER_PAGES} pages`],
    });
  }

  /** §5.4 */
  getMessage(creds: GuestCredentials, messageId: string, options: CallOptions): Promise<WebChatMessage> {
    return this.#call({
      operation: 'getMessage',
      method: 'GET',
      path: `${conversationPath(creds)}/messages/${seg(messageId)}`,
      jwt: creds.jwt,
      schema: WebChatMessageSchema,
      ...options,
    });
  }

  /** §5.5 — one page of history. `maxResults` must be 1..100. */
  async listMessages(
    creds: GuestCredentials,
    query: HistoryQuery,
    options: CallOptions,
  ): Promise<MessagePage> {
    if (query.maxResults !== undefined) {
      const n = query.maxResults;
      if (!Number.isInteger(n) || n < 1 || n > MAX_HISTORY_PAGE_SIZE) {
        throw new GuestChatRequestError(
          'listMessages',
          `maxResults must be an integer in 1..${MAX_HISTORY_PAGE_SIZE}`,
        );
      }
    }
    return this.#call({
      operation: 'listMessages',
      method: 'GET',
      path: messagesPath(creds),
      query: historyQueryParams(query),
      jwt: creds.jwt,
      schema: MessagePageSchema,
      ...options,
    });
  }

  /**
   * Every message matching `query`, following `next` across pages (§5.5) — the way to backfill
   * after a stream outage: `iterateMessages(creds, { after: lastSeenId }, ...)` (§9.7).
   * Stops when a page has no `next` or no entities.
   */
  async *iterateMessages(
    creds: GuestCredentials,
    query: HistoryQuery,
    options: CallOptions,
  ): AsyncGenerator<WebChatMessage, void, undefined> {
    let current: HistoryQuery = query;
    const seenNext = new Set<string>();
    for (let pageIndex = 0; pageIndex < MAX_HISTORY_PAGES; pageIndex++) {
      const page = await this.listMessages(creds, current, options);
      yield* page.entities;
      if (page.next === undefined || page.next === '' || page.entities.length === 0) return;
      if (seenNext.has(page.next)) throw badHistory('`next` repeats an earlier page');
      seenNext.add(page.next);
      const following = nextHistoryQuery(page.next, current, this.baseUrl, messagesPath(creds));
      if (following === undefined) throw badHistory('`next` does not point at this conversation’s messages');
      current = following;
    }
    throw badHistory(`more than ${MAX_HISTORY_PAGES} pages`);
  }

  /** §5.6 — as the guest itself. Body ≤ 4,000 characters, checked before sending (§6.9). */
  async sendMessage(
    creds: GuestCredentials,
    body: string,
    options: SendMessageOptions,
  ): Promise<WebChatMessage> {
    if (body.length > MAX_MESSAGE_BODY_LENGTH) {
      throw new GuestChatRequestError(
        'sendMessage',
        `message body has ${body.length} characters; the limit is ${MAX_MESSAGE_BODY_LENGTH}`,
      );
    }
    const { bodyType = 'standard', ...callOptions } = options;
    return this.#call({
      operation: 'sendMessage',
      method: 'POST',
      path: `${memberPath(creds, creds.memberId)}/messages`,
      body: { body, bodyType },
      jwt: creds.jwt,
      schema: WebChatMessageSchema,
      ...callOptions,
    });
  }

  /** §5.7 — one "is typing" pulse; no body. Genesys suggests at most one per 3 s. */
  sendTyping(creds: GuestCredentials, options: CallOptions): Promise<WebChatTyping> {
    return this.#call({
      operation: 'sendTyping',
      method: 'POST',
      path: `${memberPath(creds, creds.memberId)}/typing`,
      jwt: creds.jwt,
      schema: WebChatTypingSchema,
      ...options,
    });
  }

  /** §5.8 — the guest leaves: DELETE own member → 204. */
  async leave(creds: GuestCredentials, options: CallOptions): Promise<void> {
    await this.#call({
      operation: 'leave',
      method: 'DELETE',
      path: memberPath(creds, creds.memberId),
      jwt: creds.jwt,
      schema: undefined,
      ...options,
    });
  }

  /** §5.9 (deprecated by Genesys). */
  async listMediaRequests(creds: GuestCredentials, options: CallOptions): Promise<MediaRequest[]> {
    const list = await this.#call({
      operation: 'listMediaRequests',
      method: 'GET',
      path: `${conversationPath(creds)}/mediarequests`,
      jwt: creds.jwt,
      schema: MediaRequestListSchema,
      ...options,
    });
    return list.entities;
  }

  /** §5.9 (deprecated by Genesys). */
  getMediaRequest(
    creds: GuestCredentials,
    mediaRequestId: string,
    options: CallOptions,
  ): Promise<MediaRequest> {
    return this.#call({
      operation: 'getMediaRequest',
      method: 'GET',
      path: `${conversationPath(creds)}/mediarequests/${seg(mediaRequestId)}`,
      jwt: creds.jwt,
      schema: MediaRequestSchema,
      ...options,
    });
  }

  /** §5.9 — accept/decline a media request by setting its state (deprecated by Genesys). */
  patchMediaRequest(
    creds: GuestCredentials,
    mediaRequestId: string,
    update: MediaRequestUpdate,
    options: CallOptions,
  ): Promise<MediaRequest> {
    return this.#call({
      operation: 'patchMediaRequest',
      method: 'PATCH',
      path: `${conversationPath(creds)}/mediarequests/${seg(mediaRequestId)}`,
      body: update,
      jwt: creds.jwt,
      schema: MediaRequestSchema,
      ...options,
    });
  }

  #call<S extends z.ZodType | undefined>(call: HttpCall<S>): ReturnType<typeof httpRequest<S>> {
    return httpRequest(this.#http, call);
  }
}

function conversationPath(creds: GuestCredentials): string {
  return `${CONVERSATIONS}/${seg(creds.conversationId)}`;
}

function memberPath(creds: GuestCredentials, memberId: string): string {
  return `${conversationPath(creds)}/members/${seg(memberId)}`;
}

function messagesPath(creds: GuestCredentials): string {
  return `${conversationPath(creds)}/messages`;
}

function badHistory(issue: string): GenesysResponseError {
  return new GenesysResponseError({ operation: 'listMessages', status: 200, issues: [issue] });
}
