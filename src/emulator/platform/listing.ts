// Genesys' paged listing envelope (§7: {entities, pageSize, pageNumber, total, firstUri, selfUri,
// lastUri, nextUri?, previousUri?, pageCount}); the URIs are root-relative and repeat the query.

export interface PageRequest {
  readonly pageSize: number;
  readonly pageNumber: number;
  /** Path of the listing, e.g. `/api/v2/conversations/messaging/integrations/open`. */
  readonly basePath: string;
  /** Extra query appended to every URI, e.g. `&excludeDisconnectedMembers=true`. */
  readonly extraQuery?: string;
}

export interface Listing<T> {
  readonly entities: T[];
  readonly pageSize: number;
  readonly pageNumber: number;
  readonly total: number;
  readonly pageCount: number;
  readonly firstUri: string;
  readonly selfUri: string;
  readonly lastUri: string;
  readonly nextUri?: string;
  readonly previousUri?: string;
}

export function pageOf<T>(all: readonly T[], request: PageRequest): Listing<T> {
  const { pageSize, pageNumber, basePath } = request;
  const total = all.length;
  const pageCount = Math.ceil(total / pageSize);
  const uri = (n: number): string =>
    `${basePath}?pageSize=${pageSize}&pageNumber=${n}${request.extraQuery ?? ''}`;
  return {
    entities: all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
    pageSize,
    pageNumber,
    total,
    pageCount,
    firstUri: uri(1),
    selfUri: uri(pageNumber),
    lastUri: uri(Math.max(1, pageCount)),
    ...(pageNumber < pageCount ? { nextUri: uri(pageNumber + 1) } : {}),
    ...(pageNumber > 1 ? { previousUri: uri(Math.min(pageNumber - 1, Math.max(1, pageCount))) } : {}),
  };
}
