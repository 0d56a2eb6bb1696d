// JWT authentication of the guest API (§3.1). Choices where Genesys' behaviour is unknown (§16 item 2):
// - no Authorization header → 401 authentication.required;
// - anything that is not `Bearer <valid emulator JWT>` (including the SDK's `[REDACTED]`, §13.4) →
//   401 bad.credentials; an expired token → 401 credentials.expired;
// - a valid JWT of another conversation → 403 not.authorized.
// The scheme word is matched case-insensitively (§3.1: production accepted `bearer`).
import type { FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { guestErrors } from '../errors.ts';
import type { GuestClaims } from '../jwt.ts';
import type { Conversation } from '../model.ts';

export interface GuestSession {
  readonly conversation: Conversation;
  readonly claims: GuestClaims;
  /** The guest's own member id (JWT `data.sub`). */
  readonly memberId: string;
}

export function verifyToken(
  ctx: EmulatorContext,
  token: string,
): { conversation: Conversation; claims: GuestClaims } {
  const verdict = ctx.jwt.verify(token);
  if (!verdict.ok)
    throw verdict.reason === 'expired' ? guestErrors.credentialsExpired() : guestErrors.badCredentials();
  const conversation = ctx.store.get(verdict.claims.data.conv);
  if (!conversation) throw guestErrors.badCredentials();
  return { conversation, claims: verdict.claims };
}

export function authenticate(
  ctx: EmulatorContext,
  request: FastifyRequest,
  conversationId: string,
): GuestSession {
  const header = request.headers.authorization;
  if (header === undefined || header.trim() === '') throw guestErrors.authenticationRequired();
  const match = /^bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw guestErrors.badCredentials();
  const { conversation, claims } = verifyToken(ctx, match[1]);
  if (conversation.id !== conversationId) throw guestErrors.notAuthorized();
  return { conversation, claims, memberId: claims.data.sub };
}
