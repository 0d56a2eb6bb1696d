// A lean HTTP client for the load side: node:http with keep-alive sockets. The benchmark's own cost
// per request matters (on a small machine the harness shares the cores with the relay), and
// node:http costs a fraction of fetch per request.
import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 512, keepAliveMsecs: 10_000 });

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * One request; `body` is sent as JSON. Resolves with the status and the body text. A request on a
 * reused keep-alive socket that the server closed at that moment (idle time-out: "socket hang up",
 * ECONNRESET, before any answer) is sent once more on a fresh socket — the race Node's docs describe
 * for keep-alive agents; without it a run after a pause failed on its first request. The retry opens
 * a connection of its own: after the server's event loop stood still (a heap census takes seconds),
 * it closes every idle socket at once, and the pool's next one would be just as stale.
 */
export async function httpJson(
  method: string,
  url: string,
  body?: unknown,
  headers: Readonly<Record<string, string>> = {},
): Promise<HttpAnswer> {
  try {
    return await once(method, url, body, headers);
  } catch (err) {
    if (!(err instanceof StaleSocketError)) throw err;
    return once(method, url, body, headers, false);
  }
}

class StaleSocketError extends Error {}

function once(
  method: string,
  url: string,
  body: unknown,
  headers: Readonly<Record<string, string>>,
  pooled = true,
): Promise<HttpAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent: pooled ? agent : false,
        headers: {
          ...headers,
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      reject(req.reusedSocket && err.code === 'ECONNRESET' ? new StaleSocketError(err.message) : err);
    });
    req.end(payload);
  });
}
