// §5.5 message history paging. `next`/`previousPage` are plain strings whose content Genesys never
// documented [U]; the emulator returns root-relative URIs of the same endpoint (the suggestion of §5.5):
// - ascending (default): a page starts right after `after` (or at the oldest message); with only
//   `before`, it is the page just before `before`. `next` = after=<last id>, `previousPage` = before=<first id>.
// - descending: a page starts right before `before` (or at the newest message); with only `after`, it is
//   the page just after `after`. `next` = before=<last id>, `previousPage` = after=<first id>.
// Each link is present only when at least one message lies beyond the page in that direction.
import type { ChatMessage } from './model.ts';

export interface HistoryQuery {
  readonly after?: string | undefined;
  readonly before?: string | undefined;
  readonly sortOrder: 'ascending' | 'descending';
  readonly maxResults: number;
}

export interface HistoryPage {
  readonly entities: readonly ChatMessage[];
  readonly next?: string;
  readonly previousPage?: string;
  readonly selfUri: string;
}

export type HistoryResult =
  | { readonly ok: true; readonly page: HistoryPage }
  | { readonly ok: false; readonly badParam: 'after' | 'before' };

export function pageHistory(
  messages: readonly ChatMessage[],
  basePath: string,
  query: HistoryQuery,
): HistoryResult {
  const indexOf = (id: string | undefined): number | undefined =>
    id === undefined ? undefined : messages.findIndex((m) => m.id === id);
  const afterIndex = indexOf(query.after);
  const beforeIndex = indexOf(query.before);
  if (afterIndex === -1) return { ok: false, badParam: 'after' };
  if (beforeIndex === -1) return { ok: false, badParam: 'before' };

  // The window of candidates, chronological, bounds exclusive.
  const start = afterIndex === undefined ? 0 : afterIndex + 1;
  const end = beforeIndex === undefined ? messages.length : beforeIndex;
  const window = start < end ? messages.slice(start, end) : [];

  const ascending = query.sortOrder === 'ascending';
  // Which end of the window the page hugs: the side the caller anchored on.
  const fromOldest = ascending
    ? !(query.before !== undefined && query.after === undefined)
    : query.after !== undefined && query.before === undefined;
  const chronological = fromOldest
    ? window.slice(0, query.maxResults)
    : window.slice(Math.max(0, window.length - query.maxResults));
  const entities = ascending ? chronological : [...chronological].reverse();

  const link = (param: 'after' | 'before', id: string): string => {
    const qs = new URLSearchParams({
      [param]: id,
      sortOrder: query.sortOrder,
      maxResults: String(query.maxResults),
    });
    return `${basePath}?${qs.toString()}`;
  };
  const oldest = chronological[0];
  const newest = chronological.at(-1);
  const olderExists = oldest !== undefined && messages.indexOf(oldest) > 0;
  const newerExists = newest !== undefined && messages.indexOf(newest) < messages.length - 1;

  const selfQs = new URLSearchParams();
  if (query.after !== undefined) selfQs.set('after', query.after);
  if (query.before !== undefined) selfQs.set('before', query.before);
  selfQs.set('sortOrder', query.sortOrder);
  selfQs.set('maxResults', String(query.maxResults));

  let next: string | undefined;
  let previousPage: string | undefined;
  if (ascending) {
    if (newest && newerExists) next = link('after', newest.id);
    if (oldest && olderExists) previousPage = link('before', oldest.id);
  } else {
    if (oldest && olderExists) next = link('before', oldest.id);
    if (newest && newerExists) previousPage = link('after', newest.id);
  }
  return {
    ok: true,
    page: {
      entities,
      ...(next !== undefined ? { next } : {}),
      ...(previousPage !== undefined ? { previousPage } : {}),
      selfUri: `${basePath}?${selfQs.toString()}`,
    },
  };
}
