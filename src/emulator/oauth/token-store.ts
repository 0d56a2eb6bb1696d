// Access tokens minted by the token endpoint (§1.2–§1.3): opaque random strings, a lifetime per
// OAuth client, no refresh token. Verification also applies the per-token rate limit (§1.4).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { OAuthClientConfig } from './oauth-clients.ts';
import { RateLimiter } from './rate-limiter.ts';

export interface IssuedToken {
  readonly accessToken: string;
  readonly expiresInSeconds: number;
}

export interface TokenInfo {
  readonly clientId: string;
  readonly expiresAt: number;
}

export type TokenVerdict =
  | { readonly ok: true; readonly token: TokenInfo }
  | {
      readonly ok: false;
      readonly reason: 'unknown' | 'expired' | 'rate-limited';
      readonly retryAfterSeconds?: number;
    };

export class TokenStore {
  readonly #clients: ReadonlyMap<string, OAuthClientConfig>;
  readonly #defaultLifetimeSeconds: number;
  readonly #tokens = new Map<string, TokenInfo>();
  readonly #limiter: RateLimiter;
  readonly #now: () => number;

  constructor(options: {
    clients: readonly OAuthClientConfig[];
    tokenLifetimeSeconds: number;
    requestsPerMinute: number;
    now?: () => number;
  }) {
    this.#clients = new Map(options.clients.map((c) => [c.clientId, c]));
    this.#defaultLifetimeSeconds = options.tokenLifetimeSeconds;
    this.#now = options.now ?? Date.now;
    this.#limiter = new RateLimiter(options.requestsPerMinute, this.#now);
  }

  /** The client if id and secret match (constant-time on the secret), else undefined. */
  authenticate(clientId: string, clientSecret: string): OAuthClientConfig | undefined {
    const client = this.#clients.get(clientId);
    if (!client) return undefined;
    const expected = Buffer.from(client.clientSecret);
    const given = Buffer.from(clientSecret);
    return expected.length === given.length && timingSafeEqual(expected, given) ? client : undefined;
  }

  mint(client: OAuthClientConfig): IssuedToken {
    this.#prune();
    const lifetime = client.accessTokenValiditySeconds ?? this.#defaultLifetimeSeconds;
    const accessToken = randomBytes(48).toString('base64url');
    this.#tokens.set(accessToken, { clientId: client.clientId, expiresAt: this.#now() + lifetime * 1000 });
    return { accessToken, expiresInSeconds: lifetime };
  }

  /** Checks a bearer token and counts the request against its rate limit. */
  use(accessToken: string): TokenVerdict {
    const token = this.#tokens.get(accessToken);
    if (!token) return { ok: false, reason: 'unknown' };
    if (token.expiresAt <= this.#now()) return { ok: false, reason: 'expired' };
    const verdict = this.#limiter.hit(accessToken);
    if (!verdict.ok)
      return { ok: false, reason: 'rate-limited', retryAfterSeconds: verdict.retryAfterSeconds };
    return { ok: true, token };
  }

  /** A live token's owner, without counting a request. */
  peek(accessToken: string): TokenInfo | undefined {
    const token = this.#tokens.get(accessToken);
    return token && token.expiresAt > this.#now() ? token : undefined;
  }

  /** Fault injection: every token (of one client, or all) expires now. Returns how many. */
  expire(clientId?: string): number {
    let n = 0;
    for (const [value, token] of this.#tokens) {
      if (clientId !== undefined && token.clientId !== clientId) continue;
      this.#tokens.set(value, { ...token, expiresAt: Math.min(token.expiresAt, this.#now()) });
      n += 1;
    }
    return n;
  }

  #prune(): void {
    const now = this.#now();
    for (const [value, token] of this.#tokens) {
      if (token.expiresAt <= now) {
        this.#tokens.delete(value);
        this.#limiter.forget(value);
      }
    }
  }
}
