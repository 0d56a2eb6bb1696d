// URL prefixes of the emulator's surfaces.

/** §5: every guest operation lives under this prefix. */
export const GUEST_PREFIX = '/api/v2/webchat/guest/conversations';

/**
 * §1.1: the SDK with `setGateway({…, path_params_login: 'login'})` posts to `/login/oauth/token`;
 * a client given the emulator as its login host posts to `/oauth/token`. Both are served.
 */
export const OAUTH_TOKEN_PATHS = ['/login/oauth/token', '/oauth/token'] as const;

/** Every platform API route (§1.1: `https://api.{env}/api/v2/...`). */
export const PLATFORM_PREFIX = '/api/v2/';

/** The emulator's own agent / fault / health API. */
export const AGENT_PREFIX = '/emulator/v1';

export function isAgentApi(url: string): boolean {
  return url === AGENT_PREFIX || url.startsWith(`${AGENT_PREFIX}/`) || url.startsWith(`${AGENT_PREFIX}?`);
}

export function isGuestApi(url: string): boolean {
  return url.startsWith(GUEST_PREFIX);
}

export function isOAuthTokenPath(url: string): boolean {
  const path = url.split('?')[0] ?? url;
  return OAUTH_TOKEN_PATHS.some((p) => path === p);
}

/** Platform API = `/api/v2/...` other than the guest API, plus the token endpoint. */
export function isPlatformApi(url: string): boolean {
  return (url.startsWith(PLATFORM_PREFIX) && !isGuestApi(url)) || isOAuthTokenPath(url);
}

/** The conversation id in a guest path, if any (used to scope faults). */
export function conversationIdOfGuestPath(url: string): string | undefined {
  const rest = url.slice(GUEST_PREFIX.length);
  const match = /^\/([^/?#]+)/.exec(rest);
  if (!match?.[1]) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

/** The conversation id in a platform conversation path (`/api/v2/conversations/messages/{id}…`), if any. */
export function conversationIdOfPlatformPath(url: string): string | undefined {
  const match = /^\/api\/v2\/conversations\/messages\/([^/?#]+)(\/[^?#]*)?/.exec(url);
  if (!match?.[1] || (match[2] ?? '').startsWith('/inbound/')) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}
