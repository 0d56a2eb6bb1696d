// URL prefixes of the emulator's surfaces.

/** §5: every guest operation lives under this prefix. */
export const GUEST_PREFIX = '/api/v2/webchat/guest/conversations';

/** The emulator's own agent / fault / health API. */
export const AGENT_PREFIX = '/emulator/v1';

export function isAgentApi(url: string): boolean {
  return url === AGENT_PREFIX || url.startsWith(`${AGENT_PREFIX}/`) || url.startsWith(`${AGENT_PREFIX}?`);
}

export function isGuestApi(url: string): boolean {
  return url.startsWith(GUEST_PREFIX);
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
