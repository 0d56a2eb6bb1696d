// Where the gateway sends secrets and personal data: Genesys base URLs (OAuth client secrets, guest
// JWTs, message texts) and bot webhook URLs (signed events with message texts). Checked at load time.
export interface UrlPolicy {
  /** Plain http:// to a host other than loopback (emulator or demo set-ups off this machine). */
  readonly allowInsecureHttp: boolean;
  /** Webhook URLs may not name private, link-local or metadata addresses. */
  readonly blockPrivateAddresses: boolean;
}

/** Problems of one URL, for people (never the URL itself: it could hold credentials). */
export function urlProblems(text: string, policy: UrlPolicy, kind: 'genesys' | 'webhook'): string[] {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return ['not a URL'];
  }
  const problems: string[] = [];
  if (url.username !== '' || url.password !== '')
    problems.push('must not carry user:password@ (put credentials in their own settings)');
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (url.protocol === 'http:' && !isLoopback(host) && !policy.allowInsecureHttp)
    problems.push('must be https:// (plain http only to loopback, or with security.allowInsecureHttp)');
  if (kind === 'webhook' && policy.blockPrivateAddresses && isPrivateAddress(host))
    problems.push('names a private, link-local or metadata address (security.blockPrivateWebhookAddresses)');
  return problems;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Loopback, RFC 1918, carrier-grade NAT, link-local (169.254/16: cloud metadata), unique-local and
 * link-local IPv6, the unspecified address, and metadata host names. Literal hosts only: a name that
 * resolves to such an address is not caught here (docs/security.md).
 */
export function isPrivateAddress(host: string): boolean {
  if (isLoopback(host) || host === '0.0.0.0' || host === '::') return true;
  if (host === 'metadata.google.internal' || host.endsWith('.internal') || host.endsWith('.local'))
    return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(host);
  if (v4) {
    const a = Number(v4[1]);
    const b = Number(v4[2]);
    return (
      a === 10 ||
      a === 0 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  const mapped = /^::ffff:(.+)$/.exec(host);
  if (mapped?.[1]) return isPrivateAddress(mapped[1]) || /^[0-9a-f]{1,4}:[0-9a-f]{1,4}$/.test(mapped[1]);
  return /^f[cd][0-9a-f]{2}:/.test(host) || /^fe[89ab][0-9a-f]:/.test(host);
}
