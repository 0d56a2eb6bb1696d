// The page's calls to its own bot server (same origin, session cookie). Page actions go out one
// after another, so a message typed right after a settings change is sent with those settings.
let tail = Promise.resolve();

/** Runs `task` after every earlier queued call finished (failures included). */
function queued(task) {
  const result = tail.then(task);
  tail = result.catch(() => undefined);
  return result;
}

async function call(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const error = new Error(data?.error?.message ?? `request failed (${res.status})`);
    error.status = res.status;
    error.code = data?.error?.code;
    error.details = data?.error?.details;
    throw error;
  }
  return data;
}

export const api = {
  session: () => call('POST', '/api/session', {}),
  send: (text) => queued(() => call('POST', '/api/messages', { text })),
  typing: () => call('POST', '/api/typing', {}),
  saveSettings: (settings) => queued(() => call('PUT', '/api/settings', settings)),
  handover: () => queued(() => call('POST', '/api/handover', {})),
  endHandover: () => queued(() => call('POST', '/api/handover/end', {})),
};
