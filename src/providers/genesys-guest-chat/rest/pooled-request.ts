// The guest-chat REST client's default HTTP exchange: undici on a pool of its own (one undici Agent
// per client, at most `connections` sockets per origin — the in-flight limit's size), through its
// dispatcher API (src/http/dispatch-exchange.ts). It does what `fetch` did here at a fraction of the
// CPU: no WHATWG Request/Response objects and web streams per call — with fetch those were ~40 % of
// the gateway's CPU on the bot → agent path (issue 12, bench/README.md) — nor the body stream that
// undici's own `request` makes. It never follows a redirect: the JWT must not travel to another URL.
import { Agent } from 'undici';
import { dispatchExchange } from '../../../http/dispatch-exchange.ts';
import type { FetchLike } from './http-request.ts';

export function pooledRequest(connections: number): FetchLike {
  const agent = new Agent({ connections });
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
