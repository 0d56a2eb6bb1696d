// A port already in use (or not allowed) says which setting picks another one, instead of a bare
// `listen EADDRINUSE` from deep inside the HTTP server.
export function listenErrorMessage(
  err: unknown,
  at: { readonly host: string; readonly port: number; readonly flag: string },
): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'EADDRINUSE')
    return `port ${at.port} on ${at.host} is in use (another genesys-handover still running?) — pick another with ${at.flag}, or 0 for any free port`;
  if (code === 'EACCES')
    return `not allowed to listen on ${at.host}:${at.port} — pick a port above 1023 with ${at.flag}`;
  if (code === 'EADDRNOTAVAIL') return `${at.host} is not an address of this machine — ${message}`;
  return message;
}
