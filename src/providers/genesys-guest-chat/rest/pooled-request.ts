// The guest-chat REST client's default HTTP exchange: undici's `request` on a pool of its own
// (one undici Agent per client, at most `connections` sockets per origin — the in-flight limit's
// size). It does what `fetch` did here at a fraction of the CPU: no WHATWG Request/Response objects
// and web streams per call — with fetch those were ~40 % of the gateway's CPU on the bot → agent
// path (issue 12, bench/README.md). It never follows a redirect (undici's `request` does not): the
// JWT must not travel to another URL.
import { Agent, request } from 'undici';
import type { FetchLike } from './http-request.ts';

export function pooledRequest(connections: number): FetchLike {
  const agent = new Agent({ connections });
  return async (url, init) => {
    const res = await request(url, {
      dispatcher: agent,
      method: init.method,
      headers: init.headers,
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: init.signal,
    });
    return {
      status: res.statusCode,
      ok: res.statusCode >= 200 && res.statusCode < 300,
      headers: {
        get: (name) => {
          const value = res.headers[name.toLowerCase()];
          if (value === undefined) return null;
          return Array.isArray(value) ? value.join(', ') : value;
        },
      },
      text: () => res.body.text(),
    };
  };
}
