// listHandovers' query as the adapters' SQL needs it: validated, the cursor decoded, and one row more
// than asked so `toPage` can tell whether a next page exists. Shared so every adapter pages alike.
import type { HandoverState } from '../core/model/handover.ts';
import type { ListQuery } from '../core/ports/store/index.ts';
import { assertLimit } from './limits.ts';
import { decodePageCursor } from './page-cursor.ts';
import type { PageKey } from './page-cursor.ts';

export interface HandoverFilter {
  readonly endpointIds?: readonly string[];
  readonly state?: HandoverState;
  readonly after?: PageKey;
  readonly limit: number;
}

/** Undefined when the query can match nothing (an empty endpoint list): no SQL needed. */
export function toHandoverFilter(query: ListQuery): HandoverFilter | undefined {
  assertLimit(query.limit, 'limit');
  const after = query.cursor === undefined ? undefined : decodePageCursor(query.cursor);
  // No endpoint allowed means nothing visible (an API key scoped to no endpoint), not "all".
  if (query.endpointIds?.length === 0) return undefined;
  return {
    limit: query.limit + 1, // one more than asked: tells whether a next page exists
    ...(query.endpointIds ? { endpointIds: query.endpointIds } : {}),
    ...(query.state ? { state: query.state } : {}),
    ...(after ? { after } : {}),
  };
}
