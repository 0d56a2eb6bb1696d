// Wraps fetch to count Genesys calls by operation and status for /metrics. The operation is derived
// from method and path (protocol §5); the URL itself (which holds ids, never the JWT) is not kept.
import type { FetchLike } from '../rest/http-request.ts';

/** `seconds`: from the request to the response headers (or the network error). */
export type CallObserver = (operation: string, status: string, seconds: number) => void;

const ROUTES: readonly [string, RegExp, string][] = [
  ['POST', /\/conversations$/, 'createConversation'],
  ['GET', /\/members\/[^/]+$/, 'getMember'],
  ['GET', /\/members$/, 'listMembers'],
  ['DELETE', /\/members\/[^/]+$/, 'leave'],
  ['POST', /\/members\/[^/]+\/messages$/, 'sendMessage'],
  ['POST', /\/members\/[^/]+\/typing$/, 'sendTyping'],
  ['GET', /\/messages\/[^/]+$/, 'getMessage'],
  ['GET', /\/messages$/, 'listMessages'],
  ['GET', /\/mediarequests(\/[^/]+)?$/, 'mediaRequests'],
  ['PATCH', /\/mediarequests\/[^/]+$/, 'mediaRequests'],
];

export function operationOf(method: string, url: string): string {
  // The routes match the end of the path: the URL without its query is enough (no URL object per call).
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return ROUTES.find(([m, re]) => m === method.toUpperCase() && re.test(path))?.[2] ?? 'other';
}

export function instrumentFetch(inner: FetchLike, observe: CallObserver): FetchLike {
  return async (input, init) => {
    const operation = operationOf(init.method, input);
    const started = performance.now();
    const seconds = (): number => (performance.now() - started) / 1000;
    try {
      const res = await inner(input, init);
      observe(operation, String(res.status), seconds());
      return res;
    } catch (err) {
      observe(operation, 'network', seconds());
      throw err;
    }
  };
}
