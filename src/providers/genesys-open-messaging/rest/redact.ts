// Defence in depth for error texts Genesys echoes back: cut out every secret we know of (the access
// token, the message text we just sent) and cap the length, so a server quoting our request can
// never put a token or a customer's words into an error or a log line.

/** Longest Genesys message kept in an error, characters. */
export const MAX_ECHOED_MESSAGE_LENGTH = 300;

export function redact(text: string | undefined, secrets: readonly string[]): string | undefined {
  if (text === undefined) return undefined;
  let out = text;
  for (const secret of secrets) {
    // Very short strings ("ok", "1") would shred the message without protecting anything.
    if (secret.length >= 4) out = out.split(secret).join('[REDACTED]');
  }
  return out.length > MAX_ECHOED_MESSAGE_LENGTH ? `${out.slice(0, MAX_ECHOED_MESSAGE_LENGTH)}…` : out;
}
