// Bearer authentication of the platform API (§1.4), as an onRequest hook of the platform scope:
// no header → 401 authentication.required; anything but a live emulator token → 401 bad.credentials;
// over the per-token limit → 429 too.many.requests.retry.after with Retry-After. The scheme word is
// matched case-insensitively.
import type { FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import type { TokenInfo } from '../oauth/token-store.ts';
import { platformErrors } from '../platform/errors.ts';

function bearerOf(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (header === undefined || header.trim() === '') throw platformErrors.authenticationRequired();
  const match = /^bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw platformErrors.badCredentials();
  return match[1];
}

/** Authenticates and counts the request; throws the ErrorBody to answer otherwise. */
export function authenticatePlatform(ctx: EmulatorContext, request: FastifyRequest): TokenInfo {
  const verdict = ctx.tokens.use(bearerOf(request));
  if (verdict.ok) return verdict.token;
  if (verdict.reason === 'rate-limited') throw platformErrors.rateLimited(verdict.retryAfterSeconds ?? 60);
  throw platformErrors.badCredentials();
}

/** The OAuth client behind an already authenticated request (notification channels are per client). */
export function callerOf(ctx: EmulatorContext, request: FastifyRequest): TokenInfo {
  const token = ctx.tokens.peek(bearerOf(request));
  if (!token) throw platformErrors.badCredentials();
  return token;
}
