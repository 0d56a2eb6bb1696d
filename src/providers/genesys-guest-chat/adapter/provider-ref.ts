// The persisted provider handle for a guest chat (design §3). It holds the JWT — and the
// eventStreamUri embeds the same JWT (protocol §2.3) — so it is parsed strictly when it comes back
// from the store and never logged.
import { z } from 'zod';
import type { ProviderRef } from '../../../core/ports/provider.ts';
import type { GuestSession } from '../credentials.ts';

export const GUEST_CHAT_KIND = 'genesys-guest-chat';

const sessionSchema = z.object({
  conversationId: z.string().min(1),
  memberId: z.string().min(1),
  jwt: z.string().min(1),
  eventStreamUri: z.string().regex(/^wss?:\/\//i),
});

export function toProviderRef(session: GuestSession): ProviderRef {
  const { conversationId, memberId, eventStreamUri } = session;
  const jwt = jwtOf(session);
  return { kind: GUEST_CHAT_KIND, data: { conversationId, memberId, jwt, eventStreamUri } };
}

/**
 * Parsed handles by the handle object: a live handover passes the same one (its cached state's) to
 * every call, so a send does not parse it again (issue 12). Weak: a dropped handle takes its entry.
 */
const parsedRefs = new WeakMap<ProviderRef, GuestSession>();

export function fromProviderRef(ref: ProviderRef): GuestSession {
  const known = parsedRefs.get(ref);
  // Same data as when it was parsed? A handle is never changed in place, but a caller's bug that did
  // so must not be hidden by the cache.
  if (known && ref.kind === GUEST_CHAT_KIND && sameSession(known, ref.data)) return known;
  const parsed = ref.kind === GUEST_CHAT_KIND ? sessionSchema.safeParse(ref.data) : undefined;
  // The message names no field values: they are secrets.
  if (!parsed?.success) throw new Error('stored provider handle is not a guest-chat session');
  const session = { ...parsed.data, jwt: jwtOf(parsed.data) };
  holdJwtOnce(ref.data, session.jwt);
  parsedRefs.set(ref, session);
  return session;
}

/**
 * A handle read back from the store (parsed JSON) holds its JWT as a string of its own, beside the
 * URI that ends with the same text — and the live chat keeps that handle for its whole life. So the
 * handle's `jwt` becomes the session's: the equal slice of the URI. The value does not change (no
 * caller can tell), only that the ~0.4 KiB token is held once: after a restart, every re-attached
 * chat held it twice (issue 12, heap per handover). A frozen handle is left as it is.
 */
function holdJwtOnce(data: Readonly<Record<string, unknown>>, jwt: string): void {
  if (data.jwt === jwt) Reflect.set(data, 'jwt', jwt);
}

/**
 * The JWT, as a slice of the event-stream URI when the URI ends with it (every layout seen, §2.3:
 * `…/v1/token/<jwt>`, `…/chat/jwt/<jwt>`): V8 keeps such a slice as a reference into the URI, so a
 * live chat holds the ~0.4 KiB token once instead of twice (issue 12, heap per handover). The value
 * is the same string either way.
 */
function jwtOf({ jwt, eventStreamUri }: GuestSession): string {
  const at = eventStreamUri.length - jwt.length;
  return at > 0 && eventStreamUri.endsWith(jwt) ? eventStreamUri.slice(at) : jwt;
}

function sameSession(s: GuestSession, data: Readonly<Record<string, unknown>>): boolean {
  return (
    s.conversationId === data.conversationId &&
    s.memberId === data.memberId &&
    s.jwt === data.jwt &&
    s.eventStreamUri === data.eventStreamUri
  );
}
