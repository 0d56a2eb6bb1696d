// The create answer's `eventStreamUri` is opened as it comes (protocol §2.3: its host and path changed
// over the years, so it is never built by the client) — and it carries the guest JWT in its path.
// So it must stay on the configured Genesys environment: `wss://` (plain `ws://` only when the API
// itself is plain http, i.e. the emulator on loopback), no credentials in it, and a host that is the
// API host or in the environment's domain (`streaming.mypurecloud.de` for `api.mypurecloud.de`).
export function streamUriBelongs(uri: string, apiBaseUrl: string): boolean {
  let stream: URL;
  let base: URL;
  try {
    stream = new URL(uri);
    base = new URL(apiBaseUrl);
  } catch {
    return false;
  }
  const plainApi = base.protocol === 'http:';
  if (stream.protocol !== 'wss:' && !(stream.protocol === 'ws:' && plainApi)) return false;
  if (stream.username !== '' || stream.password !== '') return false;
  const apiHost = base.hostname.toLowerCase();
  const environment = apiHost.replace(/^api\./, '');
  const host = stream.hostname.toLowerCase();
  if (plainApi) return host === apiHost;
  return host === apiHost || host === environment || host.endsWith(`.${environment}`);
}
