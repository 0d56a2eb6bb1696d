// The Genesys REST clients' HTTP exchange — guest chat's and Open Messaging's: undici on a pool of
// its own (one undici Agent per client; at most `connections` sockets per origin when given, the
// guest-chat client's in-flight limit), through its dispatcher API (dispatch-exchange.ts). It does
// what `fetch` did at a fraction of the CPU: no WHATWG Request/Response objects, web streams and
// request clones per call — with fetch those were ~40 % of the gateway's CPU on the guest-chat bot →
// agent path, and ~15 % of it on the Open Messaging paths (issue 12, bench/README.md) — nor the body
// stream that undici's own `request` makes. It never follows a redirect: a JWT or an OAuth token
// must not travel to another URL (fetch was called with `redirect: 'manual'` for that).
import { Agent } from './undici-agent.ts';
import { dispatchExchange } from './dispatch-exchange.ts';

/** What an exchange sends: a subset of fetch's RequestInit, so a fetch function fits in its place. */
export interface PooledRequestInit {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly signal: AbortSignal;
}

/** What an exchange reads of the answer: a subset of fetch's Response. */
export interface PooledResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export function pooledRequest(
  connections?: number,
): (url: string, init: PooledRequestInit) => Promise<PooledResponse> {
  const agent = new Agent(connections === undefined ? {} : { connections });
  return async (url, init) => {
    const answer = await dispatchExchange(agent, url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      signal: init.signal,
    });
    return {
      status: answer.status,
      ok: answer.status >= 200 && answer.status < 300,
      headers: { get: (name) => answer.header(name) },
      text: () => Promise.resolve(answer.text),
    };
  };
}
