// The session cookie: the only thing the browser holds. HttpOnly (page scripts cannot read it) and
// SameSite=Strict (another site cannot make the browser send it). Behind HTTPS, add `Secure`.
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'demo_session';

export function readSessionId(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

export function setSessionCookie(reply: FastifyReply, id: string): void {
  // Session ids are base64url: nothing to escape.
  void reply.header('set-cookie', `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict`);
}
