// The emulator's agent API (same origin): list, join, decline, write, attach, type, transfer, leave.
const BASE = '/emulator/v1';

async function call(method, path, body) {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new Error(data?.error?.message ?? `request failed (${res.status})`);
  return data;
}

const conv = (id) => `/conversations/${encodeURIComponent(id)}`;

export const agentApi = {
  queues: () => call('GET', '/queues'),
  conversations: () => call('GET', '/conversations'),
  conversation: (id) => call('GET', conv(id)),
  join: (id, displayName) => call('POST', `${conv(id)}/agent/join`, { displayName }),
  /** Decline: the chat is offered to this agent, who rejects it — it goes back to the queue. */
  decline: async (id, displayName) => {
    const { agent } = await call('POST', `${conv(id)}/agent/offer`, { displayName });
    return call('POST', `${conv(id)}/agent/reject`, { agentId: agent.id });
  },
  /** Open Messaging only: a file (base64) with optional text. */
  attach: (id, file) => call('POST', `${conv(id)}/agent/attachments`, file),
  send: (id, body) => call('POST', `${conv(id)}/agent/messages`, { body }),
  typing: (id) => call('POST', `${conv(id)}/agent/typing`, {}),
  transfer: (id, displayName) => call('POST', `${conv(id)}/transfer`, displayName ? { displayName } : {}),
  leave: (id) => call('POST', `${conv(id)}/agent/leave`, {}),
  /** The agent feed (Server-Sent Events): conversation / message / typing. */
  feed: () => new EventSource(`${BASE}/events`),
};
