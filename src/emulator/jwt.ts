// Guest JWTs. §3.2: a real token is RS256 with claims {iss:"urn:purecloud:webchat", org, iat, exp,
// data:{conv, did, sub}}. Clients treat it as opaque, so the emulator signs the same claim layout with
// HS256 and a per-instance random secret (tokens of one emulator instance are useless on another).
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export interface GuestClaims {
  readonly iss: 'urn:purecloud:webchat';
  readonly org: string;
  readonly iat: number;
  readonly exp: number;
  readonly data: { readonly conv: string; readonly did: string; readonly sub: string };
}

export type VerifyResult =
  | { readonly ok: true; readonly claims: GuestClaims }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad-signature' | 'expired' };

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export class JwtSigner {
  readonly #secret = randomBytes(32);
  readonly #kid = randomUUID();
  readonly #lifetimeSeconds: number;
  readonly #now: () => number;

  constructor(lifetimeSeconds: number, now: () => number = Date.now) {
    this.#lifetimeSeconds = lifetimeSeconds;
    this.#now = now;
  }

  mint(input: {
    organizationId: string;
    conversationId: string;
    deploymentId: string;
    memberId: string;
  }): string {
    const iat = Math.floor(this.#now() / 1000);
    const claims: GuestClaims = {
      iss: 'urn:purecloud:webchat',
      org: input.organizationId,
      iat,
      exp: iat + this.#lifetimeSeconds,
      data: { conv: input.conversationId, did: input.deploymentId, sub: input.memberId },
    };
    const unsigned = `${encode({ alg: 'HS256', kid: this.#kid, typ: 'JWT' })}.${encode(claims)}`;
    return `${unsigned}.${this.#sign(unsigned)}`;
  }

  verify(token: string): VerifyResult {
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'malformed' };
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.#sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      return { ok: false, reason: 'bad-signature' };
    let claims: GuestClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as GuestClaims;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (claims.exp * 1000 <= this.#now()) return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }

  #sign(unsigned: string): string {
    return createHmac('sha256', this.#secret).update(unsigned).digest('base64url');
  }
}

/** §3.1 memberAuthToken: the emulator cannot check Genesys' signature, so "valid" means JWT-shaped. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}
