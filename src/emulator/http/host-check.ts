// DNS rebinding: a web page on an attacker's domain whose name is re-pointed at 127.0.0.1 may call
// the emulator from a developer's browser as if same-origin, and read chats, transcripts and the
// agent API. Such a request carries the attacker's name in `Host`. The emulator answers only
// requests whose Host is an IP address, `localhost` (or a `*.localhost` name, which browsers keep on
// loopback), the host it is bound to, or one of `allowedHosts` (a name it is reached by, e.g. in a
// container network); anything else is a 403 before any route runs (docs/emulator.md, "Security").
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { EmulatorApiError, GuestApiError } from '../errors.ts';
import { isAgentApi } from './paths.ts';

/** The host name of a Host header (no port, no brackets, lower-case, no trailing dot). */
function hostName(header: string): string {
  const name = header.startsWith('[') ? header.slice(1, header.indexOf(']')) : (header.split(':')[0] ?? '');
  return name.toLowerCase().replace(/\.$/, '');
}

export function isAllowedHost(header: string | undefined, allowed: ReadonlySet<string>): boolean {
  // Browsers always send Host; a client without one (HTTP/1.0 tooling) is no rebinding page.
  if (header === undefined) return true;
  const name = hostName(header);
  return isIP(name) !== 0 || name === 'localhost' || name.endsWith('.localhost') || allowed.has(name);
}

export function installHostCheck(app: FastifyInstance, allowedHosts: readonly string[]): void {
  const allowed = new Set(
    allowedHosts.map((h) =>
      h
        .toLowerCase()
        .replace(/^\[|\]$/g, '')
        .replace(/\.$/, ''),
    ),
  );
  app.addHook('onRequest', (request, _reply, done) => {
    if (isAllowedHost(request.headers.host, allowed)) {
      done();
      return;
    }
    const message =
      'This Host is not allowed (DNS rebinding protection): use 127.0.0.1 or localhost, or start the emulator with --allowed-host <name>.';
    done(
      isAgentApi(request.url)
        ? new EmulatorApiError(403, 'host_not_allowed', message)
        : new GuestApiError(403, 'host.not.allowed', message),
    );
  });
}

/** Said at start when the emulator listens beyond loopback (anyone who reaches it reads its chats). */
export function exposureWarning(host: string): string | undefined {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  const loopback = name === 'localhost' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
  return loopback
    ? undefined
    : `warning: the emulator listens on ${host}, beyond loopback: anyone who reaches this port can read and act on its chats (it has no real authentication). Use --host 127.0.0.1 unless other machines must reach it.`;
}
