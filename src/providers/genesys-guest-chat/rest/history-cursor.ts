// Following `next` in message history (protocol §5.5). Its content was never observed [U]: the
// emulator suggestion is a root-relative URI of the same endpoint, but a full URL or a bare cursor
// are equally plausible. From a URI only the query is taken, and only when it names this
// conversation's messages endpoint on the configured origin; the next request is built by the
// client as usual (the JWT never follows a server-supplied URL). A bare string is taken as the
// message id to continue from (`after` when ascending, `before` when descending).
import type { QueryValue } from './http-request.ts';

export type SortOrder = 'ascending' | 'descending';

export interface HistoryQuery {
  /** Message id; only messages chronologically after it. */
  readonly after?: string;
  /** Message id; only messages chronologically before it. */
  readonly before?: string;
  /** Default `ascending` (§5.5). */
  readonly sortOrder?: SortOrder;
  /** 1..100, default 100 (§5.5). */
  readonly maxResults?: number;
}

export function historyQueryParams(q: HistoryQuery): Record<string, QueryValue> {
  return { after: q.after, before: q.before, sortOrder: q.sortOrder, maxResults: q.maxResults };
}

/**
 * Resolves `next` into the query of the following page, or `undefined` when it cannot be followed
 * safely (foreign origin or path).
 */
export function nextHistoryQuery(
  next: string,
  current: HistoryQuery,
  baseUrl: string,
  messagesPath: string,
): HistoryQuery | undefined {
  const looksLikeUri = next.startsWith('/') || /^https?:\/\//i.test(next) || next.startsWith('?');
  if (!looksLikeUri) {
    const base = { sortOrder: current.sortOrder, maxResults: current.maxResults };
    return (current.sortOrder ?? 'ascending') === 'ascending'
      ? withoutUndefined({ ...base, after: next })
      : withoutUndefined({ ...base, before: next });
  }
  const base = new URL(baseUrl);
  const url = new URL(next.startsWith('?') ? messagesPath + next : next, base);
  // Only the query is reused (the request itself always goes to baseUrl + messagesPath), so the
  // origin/path check is a sanity check that `next` is about this very endpoint.
  if (url.origin !== base.origin || !url.pathname.endsWith(messagesPath)) return undefined;
  const p = url.searchParams;
  const sortOrder = p.get('sortOrder');
  const maxResults = p.get('maxResults');
  return withoutUndefined({
    after: p.get('after') || undefined,
    before: p.get('before') || undefined,
    sortOrder: sortOrder === 'ascending' || sortOrder === 'descending' ? sortOrder : current.sortOrder,
    maxResults: maxResults ? Number(maxResults) : current.maxResults,
  });
}

function withoutUndefined(q: { [K in keyof HistoryQuery]: HistoryQuery[K] | undefined }): HistoryQuery {
  const out: { -readonly [K in keyof HistoryQuery]?: HistoryQuery[K] } = {};
  if (q.after !== undefined) out.after = q.after;
  if (q.before !== undefined) out.before = q.before;
  if (q.sortOrder !== undefined) out.sortOrder = q.sortOrder;
  if (q.maxResults !== undefined) out.maxResults = q.maxResults;
  return out;
}
